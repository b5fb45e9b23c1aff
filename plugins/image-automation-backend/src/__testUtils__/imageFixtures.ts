import type { ImageRecord } from '../domain/records';

/** `component:default/api`'s image `api`, at 1.0.0 with `latestTag` available. */
export function apiImageBehind(latestTag: string): ImageRecord {
  return {
    entityRef: 'component:default/api',
    imageName: 'api',
    repository: 'ghcr.io/acme/api',
    image: 'ghcr.io/acme/api',
    policy: 'semver ^1.0.0',
    state: 'update-available',
    currentTag: '1.0.0',
    latestTag,
    updatedAt: 1,
  };
}
