import type { EntityLike } from './types';

/**
 * The policy name of the image in the shorthand form: the entity's
 * `metadata.name`. Setter markers in the files refer to it, e.g. for the
 * entity `payments-api`: `image: ghcr.io/acme/payments-api:1.4.2 # {"$imagepolicy": "payments-api"}`.
 * @public
 */
export function shorthandImageName(entity: EntityLike): string {
  return entity.metadata.name;
}

/**
 * The branch updates are pushed to when the config names none:
 * `image-automation/<kind>-<namespace>-<name>`, lowercased. One branch per
 * entity, so that its pull request is updated in place. Characters that Git
 * refuses in a ref are replaced by `-`.
 * @public
 */
export function defaultPushBranch(entity: EntityLike): string {
  const namespace = entity.metadata.namespace || 'default';
  const component = `${entity.kind}-${namespace}-${entity.metadata.name}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/\.lock$/, '-lock')
    .replace(/^[.-]+|[.]+$/g, '');
  return `image-automation/${component}`;
}

/** `component:default/payments-api`, for messages. */
export function entityRefOf(entity: EntityLike): string {
  return `${entity.kind}:${entity.metadata.namespace || 'default'}/${
    entity.metadata.name
  }`.toLowerCase();
}
