import { parseAllDocuments } from 'yaml';
import {
  EntityLike,
  hasAutomationAnnotations,
} from '@image-automation/plugin-image-automation-common';
import { PlanError } from './PlanError';

/** Catalog files are small; a generous cap keeps an alias bomb from expanding. */
const MAX_ALIAS_COUNT = 1000;

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
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(documents)) return []; // an empty stream
  const found: EntityLike[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      throw new PlanError(
        `${file} is not valid YAML: ${error.message
          .split('\n')[0]
          .replace(/:$/, '')}`,
      );
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      throw new PlanError(
        `${file} cannot be read as YAML: ${(cause as Error).message}`,
      );
    }
    if (isEntity(value) && hasAutomationAnnotations(value)) found.push(value);
  }
  return found;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEntity(value: unknown): value is EntityLike {
  return (
    isMapping(value) &&
    typeof value.kind === 'string' &&
    isMapping(value.metadata) &&
    typeof value.metadata.name === 'string' &&
    (value.metadata.namespace === undefined ||
      typeof value.metadata.namespace === 'string') &&
    (value.metadata.annotations === undefined ||
      isMapping(value.metadata.annotations))
  );
}
