import {
  ImageAutomationSpec,
  TagPolicy,
  parseImageReference,
} from '@image-automation/plugin-image-automation-common';
import { ManifestRewriteError } from './ManifestRewriteError';
import { findImages } from './findImages';
import { FoundImage, ImageTarget } from './types';

/** The tag the files hold for one image, and where; or why it cannot be told. */
export interface CurrentTag {
  tag?: string;
  file?: string;
  line?: number;
  /** Why the tag could not be read, in words. */
  problem?: string;
  /** Other places that hold a different tag, in words. */
  disagreement?: string;
  /**
   * The digest Git pins for the image (a `:digest` setter or
   * `name:tag@sha256:…`), when some place pins one; the first found.
   */
  digest?: string;
  /** True when some place pins a digest: the write must keep it current. */
  pinsDigest?: boolean;
}

/** What one file holds (as {@link findImages} reports it), or why the engine refuses it. */
export type ParsedManifest = ReturnType<typeof findImages> | Error;

export interface CurrentTagsOptions {
  /**
   * Reads one file's images. By default {@link findImages}, with a
   * {@link ManifestRewriteError} returned rather than thrown; a caller passes
   * its own to keep parses, e.g. by Git blob sha.
   */
  parse?: (
    file: { path: string; content: string },
    options: { targets: ImageTarget[]; policies: string[] },
  ) => ParsedManifest;
  /**
   * Files the images name that do not exist, and where they were looked for
   * (e.g. `acme/deploy@main`), for an image whose other files hold no tag.
   */
  missing?: { paths: readonly string[]; where: string };
  /**
   * Read as `image-automation plan` does: a file the engine refuses fails
   * each of its images even where another file holds a tag (the plan could
   * not rewrite it either), and places that hold the image without a tag
   * are named. Otherwise a tag is read wherever one can be.
   */
  strict?: boolean;
}

/**
 * Reads the tag each image has in the files with the rewriting engine in
 * report-only mode, so that the backend and `image-automation plan` read
 * exactly what they would rewrite. Pure.
 *
 * @param files - path → content of the images' files that exist
 * @param policies - image name → its policy, to find the lowest tag when
 *   several places disagree
 */
export function findCurrentTags(
  images: readonly ImageAutomationSpec[],
  files: ReadonlyMap<string, string>,
  policies: ReadonlyMap<string, TagPolicy>,
  options: CurrentTagsOptions = {},
): { current: Map<string, CurrentTag>; warnings: string[] } {
  const { parse = findImagesOrRefusal, missing, strict = false } = options;
  const names = images.map(i => i.name);
  const found = new Map<string, FoundImage[]>();
  const refusals = new Map<string, string>();
  const warnings: string[] = [];

  for (const path of new Set(images.flatMap(i => i.files))) {
    const content = files.get(path);
    if (content === undefined) continue;
    const targets = images
      .filter(i => i.files.includes(path))
      .map(i => ({ policy: i.name, container: i.container }));
    const result = parse({ path, content }, { targets, policies: names });
    if (result instanceof Error) {
      refusals.set(path, result.message);
      continue;
    }
    warnings.push(...result.warnings);
    for (const place of result.found) {
      found.set(place.policy, [...(found.get(place.policy) ?? []), place]);
    }
  }

  const current = new Map<string, CurrentTag>();
  for (const image of images) {
    const refused = image.files.flatMap(f => refusals.get(f) ?? []);
    const places = found.get(image.name) ?? [];
    const tagged = places
      .map(place => ({ place, tag: tagOf(place) }))
      .filter(
        (p): p is { place: FoundImage; tag: string } => p.tag !== undefined,
      );
    if (strict && refused.length > 0) {
      current.set(image.name, { problem: refused.join('; ') });
    } else if (tagged.length > 0) {
      const here = lowestTag(tagged, policies.get(image.name));
      const digest = places.map(digestOf).find(d => d !== undefined);
      if (digest !== undefined) {
        here.digest = digest;
        here.pinsDigest = true;
      }
      current.set(image.name, here);
    } else {
      const absent = image.files.filter(f => missing?.paths.includes(f));
      let cause: string;
      if (absent.length > 0) {
        cause = `${absent.join(', ')} not found in ${missing!.where}`;
      } else if (strict && places.length > 0) {
        cause = untaggedPlaces(image, places);
      } else {
        cause = `no setter marker # {"$imagepolicy": "${
          image.name
        }"} or container${
          image.container ? ` "${image.container}"` : ''
        } holds the image in ${image.files.join(', ')}`;
      }
      current.set(image.name, { problem: [...refused, cause].join('; ') });
    }
  }
  return { current, warnings };
}

function findImagesOrRefusal(
  file: { path: string; content: string },
  options: { targets: ImageTarget[]; policies: string[] },
): ParsedManifest {
  try {
    return findImages(file, options);
  } catch (error) {
    if (error instanceof ManifestRewriteError) return error;
    throw error;
  }
}

/**
 * Several places can disagree (one file updated by hand): the lowest counts,
 * so that an update still reaches the one left behind.
 */
function lowestTag(
  tagged: Array<{ place: FoundImage; tag: string }>,
  policy: TagPolicy | undefined,
): CurrentTag {
  const lowest = tagged.reduce((a, b) =>
    (policy?.compare(b.tag, a.tag) ?? 0) < 0 ? b : a,
  );
  const others = tagged.filter(p => p.tag !== lowest.tag);
  return {
    tag: lowest.tag,
    file: lowest.place.file,
    line: lowest.place.line,
    disagreement: others.length
      ? others
          .map(o => `${o.place.file}:${o.place.line} holds ${o.tag}`)
          .join(', ')
      : undefined,
  };
}

function untaggedPlaces(
  image: ImageAutomationSpec,
  places: FoundImage[],
): string {
  return `the places that hold ${image.name} in ${image.files.join(
    ', ',
  )} carry no tag (${places
    .map(p => `${p.file}:${p.line} ${JSON.stringify(p.value)}`)
    .join(', ')}); write the image with its tag, e.g. ${image.image}:1.0.0`;
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

function digestOf(found: FoundImage): string | undefined {
  if (found.field === 'digest') return found.value || undefined;
  if (found.field !== 'image') return undefined;
  try {
    return parseImageReference(found.value).digest;
  } catch {
    return undefined;
  }
}
