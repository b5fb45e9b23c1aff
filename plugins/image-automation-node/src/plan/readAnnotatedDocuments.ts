import { parseAllDocuments } from 'yaml';
import {
  EntityLike,
  hasAutomationAnnotations,
} from '@image-automation/plugin-image-automation-common';

/** Catalog files are small; a generous cap keeps an alias bomb from expanding. */
const MAX_ALIAS_COUNT = 1000;

/** A document of a catalog-info file that carries `image-automation/` annotations. */
export interface AnnotatedDocument {
  /** The document as plain data; not necessarily a catalog entity. */
  value: unknown;
  /** 1-based position in the file. */
  document: number;
}

/**
 * The documents of a (multi-document) catalog-info file that carry
 * annotations of ours, as `image-automation lint` and `plan` both read it.
 * Pure: the file's text in, the documents out.
 *
 * @param failure - the error to throw, given the reason, for a file that is
 *   not valid YAML (the first error, on one line) or cannot be read as data
 */
export function readAnnotatedDocuments(
  text: string,
  file: string,
  failure: (message: string) => Error,
): AnnotatedDocument[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(documents)) return []; // an empty stream
  const found: AnnotatedDocument[] = [];
  documents.forEach((document, index) => {
    const error = document.errors[0];
    if (error) {
      throw failure(
        `${file} is not valid YAML: ${error.message
          .split('\n')[0]
          .replace(/:$/, '')}`,
      );
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      throw failure(
        `${file} cannot be read as YAML: ${(cause as Error).message}`,
      );
    }
    if (hasAnnotationsOfOurs(value)) found.push({ value, document: index + 1 });
  });
  return found;
}

/** Whether a document has what the catalog needs of an entity here. */
export function isEntity(value: unknown): value is EntityLike {
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

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasAnnotationsOfOurs(value: unknown): boolean {
  if (!isMapping(value) || !isMapping(value.metadata)) return false;
  const annotations = value.metadata.annotations;
  if (!isMapping(annotations)) return false;
  return hasAutomationAnnotations({
    kind: '',
    metadata: { name: '', annotations: annotations as Record<string, string> },
  });
}
