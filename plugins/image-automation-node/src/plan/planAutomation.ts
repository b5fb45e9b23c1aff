import {
  AutomationSpec,
  ImageAutomationSpec,
  TagFacts,
  TagPolicy,
  createTagPolicy,
  parseImageReference,
  planDigestLookup,
} from '@image-automation/plugin-image-automation-common';
import { ManifestRewriteError } from '../rewriting';
import { RegistryImage, TagList, isRegistryError } from '../registry';
import { PlanError } from './PlanError';
import { RepositoryDir } from './RepositoryDir';
import {
  ImagePlan,
  decideImagePlan,
  pinnedDigestSituation,
  withPinnedDigest,
} from './decideImagePlan';
import { BuildTimeSource, readBuildTimes } from './readBuildTimes';
import { CurrentTag, readCurrentTags } from './readCurrentTags';
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

/**
 * The part of the registry client a plan uses: the tag list, each allowed
 * tag's build time for a newest-build policy, the chosen tag's digest
 * where the files pin one.
 */
export interface PlanRegistry extends BuildTimeSource {
  listTags(image: RegistryImage): Promise<TagList>;
  getDigest(image: RegistryImage, tag: string): Promise<string>;
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
 * tags (the real client, one scan per repository), each allowed tag's
 * build time for a newest-build policy, the backend's decision, the new
 * tag's digest where the files pin one, then the rewrite in memory, as
 * the backend writes (repository spelling kept, pins never dropped).
 * Nothing is written.
 *
 * An image that cannot be decided (missing file, registry error, no allowed
 * tag) gets an `error` and is left out of the diff; the others are planned.
 *
 * @throws PlanError when a path is unsafe or a file cannot be rewritten
 */
export async function planAutomation(
  spec: AutomationSpec,
  deps: { dir: RepositoryDir; registry: PlanRegistry },
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
      let facts: TagFacts | undefined;
      if (image.policy.spec.newestBuild) {
        const read = await readBuildTimes(
          deps.registry,
          image.registry,
          image.policy,
          listed.tags,
        );
        if (read.failure) {
          fail(
            name,
            `the build times of ${repositoryKey(
              image.registry,
            )} could not be read, so the newest build cannot be told: ${
              read.failure
            }`,
            image.policy.describe(),
          );
          return;
        }
        facts = read.facts;
      }
      const plan = decideImagePlan({
        image: image.spec,
        policy: image.policy,
        repository: repositoryKey(image.registry),
        tags: listed.tags,
        current: here,
        facts,
      });
      plans.set(name, await pinDigest(plan, image, here, deps.registry));
    }),
  );

  const images = spec.images.map(i => plans.get(i.name)!);
  const targets = new Map(
    images
      .filter(p => !p.error && p.targetTag !== undefined)
      .map(p => [p.name, { tag: p.targetTag!, digest: p.targetDigest }]),
  );
  let rendered: ReturnType<typeof renderPlanDiff>;
  try {
    rendered = renderPlanDiff(spec.images, targets, files);
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
 * Where the files pin a digest, the plan with the one the backend would pin
 * (read from the registry when the tag changes, or always under `Always`),
 * or the image's error when the pin cannot be kept current: a `Never`
 * beside a pin, a digest the registry does not give.
 */
async function pinDigest(
  plan: ImagePlan,
  image: PreparedImage,
  here: CurrentTag,
  registry: PlanRegistry,
): Promise<ImagePlan> {
  const situation = pinnedDigestSituation(image.spec, here, plan);
  if (!situation) return plan;
  const lookup = planDigestLookup(situation);
  if (!lookup.lookup) {
    return lookup.problem
      ? { ...plan, updateDue: false, error: lookup.problem }
      : withPinnedDigest(plan, situation, undefined);
  }
  try {
    const digest = await registry.getDigest(image.registry, lookup.tag);
    return withPinnedDigest(plan, situation, digest);
  } catch (error) {
    if (!isRegistryError(error)) throw error;
    return {
      ...plan,
      updateDue: false,
      error: `the digest of ${lookup.tag} could not be read, so the pinned digest cannot be kept current: ${error.message}`,
    };
  }
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
