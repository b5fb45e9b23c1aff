import { ManifestSource, assertManifestSize } from './ManifestSource';
import { locateImageFields } from './locateImageFields';
import { guardedImage, newValueFor, parseNewImages } from './newImageValues';
import { currentValue, renderScalar } from './scalarText';
import {
  FoundImage,
  ImageTarget,
  ManifestChange,
  RewriteResult,
} from './types';

/** How cautious a rewrite is; the CLI's `apply` uses none of these, the backend all. */
export interface RewriteOptions {
  /** The policies (and structured container targets) this file is for. */
  targets?: ImageTarget[];
  /**
   * Never replace an image's repository: a full-ref setter, a `:name` setter
   * or a structured target whose value names another repository than the
   * new image is an error with file:line, not a swap.
   */
  keepRepository?: boolean;
  /**
   * Digests follow the file: a new image's digest is written only where the
   * value already pins one, and a pin is never dropped (an error when the
   * new image has no digest to pin).
   */
  digestOnlyWherePinned?: boolean;
  /**
   * Asked for each place that would change; false leaves it as it is (the
   * backend leaves places at or above their target alone).
   */
  acceptChange?: (change: Omit<ManifestChange, 'image'>) => boolean;
}

/**
 * Sets the images of one manifest file. Pure: content in, content out.
 *
 * Only the targeted scalars change: each new value is spliced into the
 * original text at the scalar's source range, in the scalar's own quoting
 * style, so comments, indentation, key order, line endings and document
 * separators stay byte for byte as they were (Flux re-serialises the file).
 *
 * @param images - policy name → new image reference (`ghcr.io/acme/api:1.2.3`, optionally `@sha256:…`)
 * @param options.targets - the policies (and structured container targets) this file is for
 * @throws ManifestRewriteError when the file or a new value cannot be handled safely
 */
export function rewriteManifest(
  file: { path: string; content: string },
  images: Record<string, string>,
  options: RewriteOptions = {},
): RewriteResult {
  const newImages = parseNewImages(images);
  const targets = (options.targets ?? []).filter(t => newImages.has(t.policy));
  const targetPolicies = new Set((options.targets ?? []).map(t => t.policy));
  if (!targets.length && !file.content.includes('$imagepolicy')) {
    // Flux screens files the same way: without a marker there is nothing to parse for.
    assertManifestSize(file.path, file.content);
    return { content: file.content, changes: [], found: [], warnings: [] };
  }

  const source = ManifestSource.parse(file.path, file.content);
  const { slots, warnings } = locateImageFields(source, {
    isKnownPolicy: policy => newImages.has(policy) || targetPolicies.has(policy),
    targets,
  });

  const found: FoundImage[] = [];
  const changes: ManifestChange[] = [];
  const edits = new Map<number, { end: number; text: string }>();
  for (const slot of slots) {
    const oldValue = currentValue(slot.scalar);
    found.push({ ...slot.location, policy: slot.policy, field: slot.field, value: oldValue });
    const image = newImages.get(slot.policy);
    if (!image) continue;
    const where = `${slot.location.file}:${slot.location.line}`;
    const newValue = newValueFor(
      slot.field,
      guardedImage(slot.field, image, oldValue, where, options),
      oldValue,
      where,
    );
    if (newValue === oldValue) continue;
    if (
      options.acceptChange &&
      !options.acceptChange({
        ...slot.location,
        policy: slot.policy,
        field: slot.field,
        oldValue,
        newValue,
      })
    ) {
      continue;
    }
    const token = slot.scalar.srcToken as { offset: number; source: string };
    if (edits.has(token.offset)) continue;
    edits.set(token.offset, {
      end: token.offset + token.source.length,
      text: renderScalar(slot.scalar, newValue, where, w => warnings.push(w)),
    });
    changes.push({
      ...slot.location,
      policy: slot.policy,
      field: slot.field,
      oldValue,
      newValue,
      image: image.given,
    });
  }

  let content = file.content;
  const starts = [...edits.keys()].sort((a, b) => b - a);
  for (const start of starts) {
    const edit = edits.get(start)!;
    content = content.slice(0, start) + edit.text + content.slice(edit.end);
  }
  changes.sort((a, b) => a.line - b.line);
  found.sort((a, b) => a.line - b.line);
  return { content, changes, found, warnings };
}
