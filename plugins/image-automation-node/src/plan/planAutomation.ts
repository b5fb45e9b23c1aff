import {
  AutomationSpec,
  ImageAutomationSpec,
  TagPolicy,
  createTagPolicy,
  parseImageReference,
} from '@image-automation/plugin-image-automation-common';
import { ManifestRewriteError } from '../rewriting';
import { RegistryImage, TagList, isRegistryError } from '../registry';
import { PlanError } from './PlanError';
import { RepositoryDir } from './RepositoryDir';
import { ImagePlan, decideImagePlan } from './decideImagePlan';
import { readCurrentTags } from './readCurrentTags';
import { renderPlanDiff } from './renderPlanDiff';

/** What `image-automation plan` found: one entry per image, and the diff. */
export interface PlanResult {
  images: ImagePlan[];
  /** The unified diff a pull request would apply; empty when nothing changes. */
  diff: string;
  changedFiles: string[];
  /** From the rewriting engine, e.g. markers naming an unknown policy. */
  warnings: string[];
}

/** The part of the registry client a plan uses. */
export interface TagLister {
  listTags(image: RegistryImage): Promise<TagList>;
}

/** An image whose policy and repository could be prepared. */
interface PreparedImage {
  spec: ImageAutomationSpec;
  policy: TagPolicy;
  registry: RegistryImage;
}

/**
 * Plans one entity's update as the backend would make it, against a local
 * checkout: the tag in the files (report-only rewriting), the registry's
 * tags (the real client, one scan per repository), the backend's decision,
 * then the rewrite in memory. Nothing is written.
 *
 * An image that cannot be decided (missing file, registry error, no allowed
 * tag) gets an `error` and is left out of the diff; the others are planned.
 *
 * @throws PlanError when a path is unsafe or a file cannot be rewritten
 */
export async function planAutomation(
  spec: AutomationSpec,
  deps: { dir: RepositoryDir; registry: TagLister },
): Promise<PlanResult> {
  const plans = new Map<string, ImagePlan>();
  const fail = (name: string, error: string, policy?: string) =>
    plans.set(name, { name, policy, updateDue: false, notes: [], error });

  const prepared: PreparedImage[] = [];
  for (const image of spec.images) {
    try {
      const { registry, repository } = parseImageReference(image.image);
      prepared.push({
        spec: image,
        policy: createTagPolicy(image.policy),
        registry: { registry, repository },
      });
    } catch (error) {
      // The annotation parser validates both; kept for callers that do not.
      fail(image.name, (error as Error).message);
    }
  }

  const files = await readFiles(prepared, deps.dir, fail);
  const ready = prepared.filter(p => !plans.has(p.spec.name));
  const { current, warnings } = readCurrentTags(
    ready.map(p => p.spec),
    files,
    new Map(ready.map(p => [p.spec.name, p.policy])),
  );

  const scans = new Map<string, Promise<TagList | Error>>();
  const scanOf = (image: PreparedImage) => {
    const key = repositoryKey(image.registry);
    let scan = scans.get(key);
    if (!scan) {
      scan = deps.registry.listTags(image.registry).catch(error => {
        if (isRegistryError(error)) return error;
        throw error;
      });
      scans.set(key, scan);
    }
    return scan;
  };
  await Promise.all(
    ready.map(async image => {
      const { name } = image.spec;
      const here = current.get(name)!;
      if (here.problem) {
        fail(name, here.problem, image.policy.describe());
        return;
      }
      const listed = await scanOf(image);
      if (listed instanceof Error) {
        fail(name, listed.message, image.policy.describe());
        return;
      }
      plans.set(
        name,
        decideImagePlan({
          image: image.spec,
          policy: image.policy,
          repository: repositoryKey(image.registry),
          tags: listed.tags,
          current: here,
        }),
      );
    }),
  );

  const images = spec.images.map(i => plans.get(i.name)!);
  const targetTags = new Map(
    images
      .filter(p => !p.error && p.targetTag !== undefined)
      .map(p => [p.name, p.targetTag!]),
  );
  let rendered: ReturnType<typeof renderPlanDiff>;
  try {
    rendered = renderPlanDiff(spec.images, targetTags, files);
  } catch (error) {
    if (error instanceof ManifestRewriteError)
      throw new PlanError(error.message);
    throw error;
  }
  return {
    images,
    diff: rendered.diff,
    changedFiles: rendered.changedFiles,
    warnings: [...new Set([...warnings, ...rendered.warnings])],
  };
}

/**
 * The images' files that exist, path → content. An image with a missing
 * file fails: a pull request could not update it either.
 */
async function readFiles(
  images: PreparedImage[],
  dir: RepositoryDir,
  fail: (name: string, error: string, policy?: string) => void,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const missing = new Set<string>();
  for (const path of new Set(images.flatMap(i => i.spec.files))) {
    const content = await dir.read(path);
    if (content === undefined) missing.add(path);
    else files.set(path, content);
  }
  for (const image of images) {
    const absent = image.spec.files.filter(f => missing.has(f));
    if (absent.length > 0) {
      fail(
        image.spec.name,
        `${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not in ${
          dir.label
        }; ` +
          'check the files named in the annotations (paths are relative to the repository root)',
        image.policy.describe(),
      );
    }
  }
  return files;
}

function repositoryKey(image: RegistryImage): string {
  return `${image.registry}/${image.repository}`;
}
