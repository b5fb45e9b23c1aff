import type {
  AutomationSpec,
  TagPolicy,
} from '@image-automation/plugin-image-automation-common';
import { parseImageReference } from '@image-automation/plugin-image-automation-common';
import {
  FoundImage,
  ImageTarget,
  findImages,
} from '@image-automation/plugin-image-automation-node';
import { GitFile, GitSnapshot } from '../scm/GitManifestReader';

/** The tag Git holds for one image, and where. */
export interface CurrentTag {
  tag?: string;
  file?: string;
  line?: number;
  /** Why the tag could not be read, in words. */
  problem?: string;
  /** Other places that hold a different tag. */
  disagreement?: string;
}

/** Parses kept per blob sha and targets: unchanged files are not parsed again. */
const PARSE_CACHE_LIMIT = 10_000;

/**
 * Reads the tag each image has in Git with the rewriting engine in
 * report-only mode, so the backend reads exactly what it would rewrite.
 */
export class CurrentTagReader {
  private readonly parses = new Map<
    string,
    ReturnType<typeof findImages> | Error
  >();

  read(
    spec: AutomationSpec,
    snapshot: GitSnapshot,
    policies: Map<string, TagPolicy>,
  ): Map<string, CurrentTag> {
    const found = new Map<string, FoundImage[]>();
    const fileProblems = new Map<string, string>();
    const policyNames = spec.images.map(i => i.name);

    for (const path of new Set(spec.images.flatMap(i => i.files))) {
      const file = snapshot.files.get(path);
      if (!file) continue;
      const targets: ImageTarget[] = spec.images
        .filter(i => i.files.includes(path))
        .map(i => ({ policy: i.name, container: i.container }));
      const result = this.parse(file, targets, policyNames);
      if (result instanceof Error) {
        fileProblems.set(path, result.message);
        continue;
      }
      for (const image of result.found) {
        found.set(image.policy, [...(found.get(image.policy) ?? []), image]);
      }
    }

    const current = new Map<string, CurrentTag>();
    for (const image of spec.images) {
      const missing = image.files.filter(f => snapshot.missing.includes(f));
      const broken = image.files
        .filter(f => fileProblems.has(f))
        .map(f => fileProblems.get(f));
      const places = (found.get(image.name) ?? [])
        .map(place => ({ place, tag: tagOf(place) }))
        .filter(
          (p): p is { place: FoundImage; tag: string } => p.tag !== undefined,
        );
      if (places.length === 0) {
        current.set(image.name, {
          problem: [
            ...broken,
            missing.length
              ? `${missing.join(', ')} not found in ${
                  snapshot.repository.fullName
                }@${snapshot.branch}`
              : `no setter marker # {"$imagepolicy": "${
                  image.name
                }"} or container${
                  image.container ? ` "${image.container}"` : ''
                } holds the image in ${image.files.join(', ')}`,
          ].join('; '),
        });
        continue;
      }
      // Several places can disagree (one file updated by hand): report the
      // lowest, so an update still reaches the one left behind.
      const policy = policies.get(image.name);
      const lowest = places.reduce((a, b) =>
        (policy?.compare(b.tag, a.tag) ?? 0) < 0 ? b : a,
      );
      const others = places.filter(p => p.tag !== lowest.tag);
      current.set(image.name, {
        tag: lowest.tag,
        file: lowest.place.file,
        line: lowest.place.line,
        disagreement: others.length
          ? `${others
              .map(o => `${o.place.file}:${o.place.line} holds ${o.tag}`)
              .join(', ')}`
          : undefined,
      });
    }
    return current;
  }

  private parse(file: GitFile, targets: ImageTarget[], policies: string[]) {
    const key = `${file.blobSha}\u0000${file.path}\u0000${JSON.stringify(
      targets,
    )}`;
    let result = this.parses.get(key);
    if (!result) {
      try {
        result = findImages(
          { path: file.path, content: file.content },
          { targets, policies },
        );
      } catch (error) {
        result = error as Error;
      }
      if (this.parses.size >= PARSE_CACHE_LIMIT)
        this.parses.delete(this.parses.keys().next().value!);
      this.parses.set(key, result);
    }
    return result;
  }
}

function tagOf(found: FoundImage): string | undefined {
  if (found.field === 'tag') return found.value;
  if (found.field !== 'image') return undefined;
  try {
    return parseImageReference(found.value).tag;
  } catch {
    return undefined;
  }
}
