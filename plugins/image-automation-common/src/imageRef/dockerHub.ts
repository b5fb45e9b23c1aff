/** The registry Docker Hub references normalise to. */
export const DOCKER_HUB_REGISTRY = 'docker.io';

/** Hosts that are spelled differently but mean Docker Hub. */
const DOCKER_HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);

/** Namespace of Docker Hub's official images (`nginx` is `library/nginx`). */
export const OFFICIAL_IMAGES_NAMESPACE = 'library';

export function normaliseRegistry(host: string): string {
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB_REGISTRY : host;
}

/**
 * Docker's rule for telling a registry host from the first path component:
 * the first component is a host when it contains a `.` or a `:`, is
 * `localhost`, or has uppercase letters (paths may not), otherwise the whole
 * name is a Docker Hub path.
 */
export function looksLikeRegistryHost(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component !== component.toLowerCase()
  );
}
