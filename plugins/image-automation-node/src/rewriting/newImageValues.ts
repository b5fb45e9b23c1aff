import {
  ImageReference,
  InvalidImageReferenceError,
  parseImageReference,
  repositoryOf,
} from '@image-automation/plugin-image-automation-common';
import { ManifestRewriteError } from './ManifestRewriteError';
import { ImageField } from './types';

/** A new image for one policy: the reference as given and parsed. */
export interface NewImage {
  policy: string;
  given: string;
  ref: ImageReference;
}

/**
 * Validates the policy → new image reference map before anything is written:
 * a value from a registry that is not a valid reference (a tag with a newline,
 * quote, `#` or `: `) is refused here, so it can never reach a file.
 */
export function parseNewImages(
  images: Record<string, string>,
): Map<string, NewImage> {
  const parsed = new Map<string, NewImage>();
  for (const [policy, given] of Object.entries(images)) {
    if (typeof given !== 'string') {
      throw new ManifestRewriteError(
        `images[${JSON.stringify(policy)}] must be an image reference string, got ${typeof given}`,
      );
    }
    try {
      parsed.set(policy, { policy, given, ref: parseImageReference(given) });
    } catch (error) {
      if (error instanceof InvalidImageReferenceError) {
        throw new ManifestRewriteError(
          `images[${JSON.stringify(policy)}]: ${error.message}`,
        );
      }
      throw error;
    }
  }
  return parsed;
}

/**
 * The text a setter writes for `field`, spelled the way the file spells the
 * image: a file that says `nginx:1.25` gets `nginx:1.26`, not
 * `docker.io/library/nginx:1.26`.
 *
 * @param where - `file:line`, for error messages
 */
export function newValueFor(
  field: ImageField,
  image: NewImage,
  oldValue: string,
  where: string,
): string {
  const { ref } = image;
  switch (field) {
    case 'tag':
      if (ref.tag === undefined) {
        throw new ManifestRewriteError(
          `${where}: the marker sets the tag of policy ${JSON.stringify(image.policy)}, ` +
            `but its new image ${JSON.stringify(image.given)} has no tag; give a reference with a tag`,
        );
      }
      return ref.tag;
    case 'digest':
      if (ref.digest === undefined) {
        throw new ManifestRewriteError(
          `${where}: the marker sets the digest of policy ${JSON.stringify(image.policy)}, ` +
            `but its new image ${JSON.stringify(image.given)} has no digest; give a reference ending in @sha256:…`,
        );
      }
      return ref.digest;
    case 'name':
      return spelledName(ref, oldValue);
    default: {
      const tag = ref.tag !== undefined ? `:${ref.tag}` : '';
      const digest = ref.digest !== undefined ? `@${ref.digest}` : '';
      return `${spelledName(ref, stripTagAndDigest(oldValue))}${tag}${digest}`;
    }
  }
}

/** `registry/repository`, with Docker Hub spelled like `oldName` spells it. */
function spelledName(ref: ImageReference, oldName: string): string {
  if (ref.registry !== 'docker.io') return `${ref.registry}/${ref.repository}`;
  const slash = oldName.indexOf('/');
  const first = slash === -1 ? '' : oldName.slice(0, slash);
  let oldIsDockerHub = false;
  try {
    oldIsDockerHub = parseImageReference(oldName).registry === 'docker.io';
  } catch {
    // An unreadable old value gives no spelling to follow: use the familiar form.
  }
  const oldHost = first.includes('.') || first.includes(':') ? first : '';
  if (oldHost && !oldIsDockerHub) {
    // The image moved from another registry to Docker Hub: say so in full.
    return `${ref.registry}/${ref.repository}`;
  }
  const oldPath = oldHost ? oldName.slice(slash + 1) : oldName;
  let repository = ref.repository;
  const official = /^library\/([^/]+)$/.exec(repository);
  if (official && !oldPath.startsWith('library/')) repository = official[1];
  return oldHost ? `${oldHost}/${repository}` : repository;
}

function stripTagAndDigest(value: string): string {
  const at = value.indexOf('@');
  const name = at === -1 ? value : value.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/**
 * The new image as a cautious rewrite may write it at one place: refused
 * when it would replace the repository the place names, and with its digest
 * only where the place pins one (a pin is never dropped).
 */
export function guardedImage(
  field: ImageField,
  image: NewImage,
  oldValue: string,
  where: string,
  options: { keepRepository?: boolean; digestOnlyWherePinned?: boolean },
): NewImage {
  if (field !== 'image' && field !== 'name') return image;
  const newRepository = repositoryOf(image.ref);
  if (options.keepRepository) {
    let oldRepository: string | undefined;
    try {
      oldRepository = repositoryOf(
        parseImageReference(field === 'name' ? oldValue : oldValue.trim()),
      );
    } catch {
      oldRepository = undefined;
    }
    if (oldRepository !== newRepository) {
      throw new ManifestRewriteError(
        `${where}: holds ${JSON.stringify(oldValue)}, ${
          oldRepository ? `an image of ${oldRepository}` : 'not an image reference'
        }, but policy ${JSON.stringify(image.policy)} is for ${newRepository}; ` +
          `the plugin changes only tags and digests, never the repository: write ${newRepository} there, or point the marker at the policy of that image`,
      );
    }
  }
  if (!options.digestOnlyWherePinned || field !== 'image') return image;
  const pinned = oldValue.includes('@');
  if (pinned && image.ref.digest === undefined) {
    throw new ManifestRewriteError(
      `${where}: pins a digest (${JSON.stringify(oldValue)}), and the new image ${JSON.stringify(
        image.given,
      )} has none; a pin is never dropped: give the new tag's digest`,
    );
  }
  if (!pinned && image.ref.digest !== undefined) {
    return { ...image, ref: { ...image.ref, digest: undefined } };
  }
  return image;
}
