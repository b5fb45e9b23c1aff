import {
  ImageAutomationSpec,
  TagPolicy,
  parseImageReference,
} from '@image-automation/plugin-image-automation-common';
import { FoundImage, ManifestRewriteError, findImages } from '../rewriting';

/** The tag the files hold for one image, or why it cannot be told. */
export interface CurrentTag {
  tag?: string;
  /** `file:line` the tag was read from. */
  where?: string;
  problem?: string;
  /** Other places that hold a different tag, in words. */
  disagreement?: string;
}

/**
 * Reads the tag each image has in the files with the rewriting engine in
 * report-only mode, as the backend does at the base branch head, so a plan
 * reads exactly what it would rewrite. Pure.
 *
 * @param files - path → content of the images' files that exist
 * @param policies - image name → its policy, to find the lowest tag when
 *   several places disagree
 */
export function readCurrentTags(
  images: readonly ImageAutomationSpec[],
  files: ReadonlyMap<string, string>,
  policies: ReadonlyMap<string, TagPolicy>,
): { current: Map<string, CurrentTag>; warnings: string[] } {
  const names = images.map(i => i.name);
  const found = new Map<string, FoundImage[]>();
  const fileProblems = new Map<string, string>();
  const warnings: string[] = [];

  for (const [path, content] of files) {
    const targets = images
      .filter(i => i.files.includes(path))
      .map(i => ({ policy: i.name, container: i.container }));
    if (targets.length === 0) continue;
    try {
      const result = findImages(
        { path, content },
        { targets, policies: names },
      );
      warnings.push(...result.warnings);
      for (const place of result.found) {
        found.set(place.policy, [...(found.get(place.policy) ?? []), place]);
      }
    } catch (error) {
      if (!(error instanceof ManifestRewriteError)) throw error;
      fileProblems.set(path, error.message);
    }
  }

  const current = new Map<string, CurrentTag>();
  for (const image of images) {
    const broken = image.files.flatMap(f => fileProblems.get(f) ?? []);
    if (broken.length > 0) {
      current.set(image.name, { problem: broken.join('; ') });
      continue;
    }
    current.set(
      image.name,
      lowestTag(image, found.get(image.name) ?? [], policies.get(image.name)),
    );
  }
  return { current, warnings };
}

/**
 * Several places can disagree (one file updated by hand): the lowest counts,
 * so that an update still reaches the one left behind.
 */
function lowestTag(
  image: ImageAutomationSpec,
  places: FoundImage[],
  policy: TagPolicy | undefined,
): CurrentTag {
  const tagged = places
    .map(place => ({ place, tag: tagOf(place) }))
    .filter(
      (p): p is { place: FoundImage; tag: string } => p.tag !== undefined,
    );
  if (tagged.length === 0) {
    const files = image.files.join(', ');
    return {
      problem:
        places.length === 0
          ? `no setter marker # {"$imagepolicy": "${image.name}"}${
              image.container ? ` or container "${image.container}"` : ''
            } holds the image in ${files}`
          : `the places that hold ${
              image.name
            } in ${files} carry no tag (${places
              .map(p => `${p.file}:${p.line} ${JSON.stringify(p.value)}`)
              .join(', ')}); write the image with its tag, e.g. ${
              image.image
            }:1.0.0`,
    };
  }
  const lowest = tagged.reduce((a, b) =>
    (policy?.compare(b.tag, a.tag) ?? 0) < 0 ? b : a,
  );
  const others = tagged.filter(p => p.tag !== lowest.tag);
  return {
    tag: lowest.tag,
    where: `${lowest.place.file}:${lowest.place.line}`,
    disagreement: others.length
      ? others
          .map(o => `${o.place.file}:${o.place.line} holds ${o.tag}`)
          .join(', ')
      : undefined,
  };
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
