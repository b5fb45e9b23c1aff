import { EntityLike } from '@image-automation/plugin-image-automation-common';
import { PlanError } from './PlanError';
import { isEntity, readAnnotatedDocuments } from './readAnnotatedDocuments';

/** `component:default/payments-api`, lowercased as the catalog compares refs. */
export function entityRefOf(entity: EntityLike): string {
  return `${entity.kind}:${entity.metadata.namespace || 'default'}/${
    entity.metadata.name
  }`.toLowerCase();
}

/**
 * The entity of a (multi-document) catalog-info file that a plan is for: the
 * only one with `image-automation/` annotations, or the one `entityRef`
 * names. Pure: the file's text in, the entity out.
 *
 * @param entityRef - `[kind:][namespace/]name`; kind and namespace may be
 *   left out when the name alone is unambiguous (namespace defaults to
 *   `default`)
 * @throws PlanError for invalid YAML (exit 1), for no automated entity
 *   (exit 1), and when the choice is ambiguous or `entityRef` matches none,
 *   listing the candidates (exit 2: the invocation must change)
 */
export function selectEntity(
  text: string,
  file: string,
  entityRef?: string,
): EntityLike {
  const candidates = readAutomatedEntities(text, file);
  if (candidates.length === 0) {
    throw new PlanError(
      `${file} has no entity with image-automation/ annotations; add them (see \`image-automation lint\`) or name another file`,
    );
  }
  const listed = () => candidates.map(entityRefOf).join(', ');
  if (entityRef === undefined) {
    if (candidates.length === 1) return candidates[0];
    throw new PlanError(
      `${file} holds ${
        candidates.length
      } entities with image-automation/ annotations (${listed()}); choose one with --entity-ref`,
      2,
    );
  }
  const matches = candidates.filter(matcher(entityRef));
  if (matches.length === 1) return matches[0];
  throw new PlanError(
    matches.length === 0
      ? `--entity-ref ${entityRef} names no entity with image-automation/ annotations in ${file}; candidates: ${listed()}`
      : `--entity-ref ${entityRef} matches ${
          matches.length
        } entities in ${file} (${matches
          .map(entityRefOf)
          .join(', ')}); give kind and namespace too`,
    2,
  );
}

function matcher(ref: string): (entity: EntityLike) => boolean {
  const wanted = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(
    ref.trim().toLowerCase(),
  );
  if (!wanted) {
    throw new PlanError(
      `--entity-ref ${JSON.stringify(
        ref,
      )} is not an entity ref; write [kind:][namespace/]name, e.g. component:default/payments-api`,
      2,
    );
  }
  const [, kind, namespace = 'default', name] = wanted;
  return entity =>
    entity.metadata.name.toLowerCase() === name &&
    (entity.metadata.namespace || 'default').toLowerCase() === namespace &&
    (kind === undefined || entity.kind.toLowerCase() === kind);
}

/** The documents that are catalog entities with annotations of ours. */
function readAutomatedEntities(text: string, file: string): EntityLike[] {
  return readAnnotatedDocuments(text, file, message => new PlanError(message))
    .map(({ value }) => value)
    .filter(isEntity);
}
