import { ManifestSource } from './ManifestSource';
import { locateImageFields } from './locateImageFields';
import { currentValue } from './scalarText';
import { FoundImage, ImageTarget } from './types';

/**
 * Report-only: what every marker and structured target of a file points at,
 * as the file holds it now (the backend reads the tag currently in Git this
 * way). Same traversal and errors as rewriteManifest.
 *
 * @param options.policies - known policy names; markers naming others are
 *   warned about and left out. Without it every marker is reported.
 */
export function findImages(
  file: { path: string; content: string },
  options: { targets?: ImageTarget[]; policies?: string[] },
): { found: FoundImage[]; warnings: string[] } {
  const source = ManifestSource.parse(file.path, file.content);
  const known = options.policies
    ? new Set([...options.policies, ...(options.targets ?? []).map(t => t.policy)])
    : undefined;
  const { slots, warnings } = locateImageFields(source, {
    isKnownPolicy: policy => !known || known.has(policy),
    targets: options.targets,
  });
  const found = slots
    .map(slot => ({
      ...slot.location,
      policy: slot.policy,
      field: slot.field,
      value: currentValue(slot.scalar),
    }))
    .sort((a, b) => a.line - b.line);
  return { found, warnings };
}
