import { ImageReference } from './ImageReference';
import { DOCKER_HUB_REGISTRY, OFFICIAL_IMAGES_NAMESPACE } from './dockerHub';

/**
 * The registry and repository, without tag or digest: the key that groups
 * every use of one image repository into one registry scan.
 * @public
 */
export function repositoryOf(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * Formats a reference: canonical (`docker.io/library/nginx:1.25`) by default;
 * `familiar` drops what Docker lets users leave out (`nginx:1.25`).
 * @public
 */
export function formatImageReference(
  ref: ImageReference,
  opts: { familiar?: boolean } = {},
): string {
  let name = repositoryOf(ref);
  if (opts.familiar && ref.registry === DOCKER_HUB_REGISTRY) {
    const officialPrefix = `${OFFICIAL_IMAGES_NAMESPACE}/`;
    const path = ref.repository;
    name =
      path.startsWith(officialPrefix) &&
      !path.slice(officialPrefix.length).includes('/')
        ? path.slice(officialPrefix.length)
        : path;
  }
  const tag = ref.tag !== undefined ? `:${ref.tag}` : '';
  const digest = ref.digest !== undefined ? `@${ref.digest}` : '';
  return `${name}${tag}${digest}`;
}
