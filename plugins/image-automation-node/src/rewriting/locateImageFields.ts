import { Node, Scalar, isAlias, isScalar } from 'yaml';
import { ManifestRewriteError } from './ManifestRewriteError';
import { ManifestSource } from './ManifestSource';
import {
  assertAliasBudget,
  containerNameAt,
  documentIdentity,
  forEachValueScalar,
} from './documentTree';
import { PodContainer, findPodContainers } from './podContainers';
import { mentionsSetter, readSetterName, resolveSetter } from './setterMarker';
import { ImageField, ImageTarget, ManifestLocation } from './types';

/** A scalar that a marker or a structured target points at. */
export interface ImageFieldSlot {
  scalar: Scalar;
  location: ManifestLocation;
  policy: string;
  field: ImageField;
}

export interface LocateOptions {
  /** Whether a policy name is one the caller has; markers naming others are warned about. */
  isKnownPolicy: (policy: string) => boolean;
  targets?: ImageTarget[];
}

/**
 * Finds every value the file's markers and the structured targets point at.
 * Markers follow Flux's rules (see setterMarker.ts and ManifestSource); a
 * structured target applies only when no marker in the file names its policy.
 */
export function locateImageFields(
  source: ManifestSource,
  options: LocateOptions,
): { slots: ImageFieldSlot[]; warnings: string[] } {
  const { path, documents } = source;
  const slots: ImageFieldSlot[] = [];
  const warnings: string[] = [];
  const usedComments = new Set<number>();
  const markedPolicies = new Set<string>();

  documents.forEach((doc, documentIndex) => {
    const [start, , end] = doc.range;
    if (source.content.slice(start, end).includes('*')) assertAliasBudget(path, doc);
    const identity = documentIdentity(doc);
    const locate = (scalar: Scalar, container?: string): ManifestLocation => ({
      file: path,
      line: source.lineOf(scalar.range![0]),
      documentIndex,
      ...definedOnly({ ...identity, container }),
    });
    forEachValueScalar(
      doc,
      (scalar, nodePath, parent) => {
        const offset = scalar.range![0];
        // kyaml reads the line comment first and only falls back to the head
        // comment when there is none: another comment on the line hides a
        // marker above it.
        const comment =
          source.lineCommentOf(scalar) ?? source.headCommentOf(offset);
        if (!comment) return;
        const setterName = readSetterName(comment.text);
        if (!setterName) return;
        usedComments.add(comment.offset);
        const location = locate(scalar, containerNameAt(nodePath, parent));
        const setter = resolveSetter(setterName, options.isKnownPolicy);
        if (!setter.known) {
          warnings.push(
            `${path}:${location.line}: marker names policy ${JSON.stringify(
              setter.policy,
            )}, which this automation does not have; left unchanged`,
          );
          return;
        }
        markedPolicies.add(setter.policy);
        slots.push({ scalar, location, policy: setter.policy, field: setter.field });
      },
      (alias, nodePath) => {
        const line = source.lineOf(alias.range![0]);
        const comment =
          source.lineCommentOf(alias) ?? source.headCommentOf(alias.range![0]);
        if (comment && readSetterName(comment.text)) {
          usedComments.add(comment.offset);
          warnings.push(
            `${path}:${line}: the marker at ${nodePath.join(
              '.',
            )} sits on an alias (*${alias.source}); ` +
              'put it on the anchored value instead; left unchanged',
          );
        }
      },
    );
  });

  for (const comment of source.comments.values()) {
    if (usedComments.has(comment.offset) || !mentionsSetter(comment.text)) continue;
    const line = source.lineOf(comment.offset);
    warnings.push(
      readSetterName(comment.text)
        ? `${path}:${line}: marker is not attached to a value it can set ` +
            '(Flux reads a marker at the end of the value\'s line, or alone on the line above a list item); left unchanged'
        : `${path}:${line}: comment mentions $imagepolicy but is not a marker; ` +
            'write it as # {"$imagepolicy": "<policy>"} with nothing else in the comment',
    );
  }

  for (const target of options.targets ?? []) {
    if (markedPolicies.has(target.policy)) continue;
    slots.push(...structuredTargetSlots(source, target));
  }
  return { slots, warnings };
}

/** The `image` fields a structured target names: never a guess between containers. */
function structuredTargetSlots(
  source: ManifestSource,
  target: ImageTarget,
): ImageFieldSlot[] {
  const { path } = source;
  const all: Array<PodContainer & { documentIndex: number }> = [];
  source.documents.forEach((doc, documentIndex) => {
    for (const c of findPodContainers(doc)) all.push({ ...c, documentIndex });
  });
  const names = all.map(c => c.name ?? '(unnamed)');
  const listed = names.length ? names.join(', ') : 'none';

  let chosen: typeof all;
  if (target.container !== undefined) {
    chosen = all.filter(c => c.name === target.container);
    if (chosen.length === 0) {
      throw new ManifestRewriteError(
        `${path}: no container named ${JSON.stringify(target.container)} ` +
          `(containers in the file: ${listed}); set image-automation/container to one of them ` +
          `or add a marker # {"$imagepolicy": "${target.policy}"} to the image`,
      );
    }
  } else if (all.length === 1) {
    chosen = all;
  } else if (all.length === 0) {
    throw new ManifestRewriteError(
      `${path}: no marker for policy ${JSON.stringify(target.policy)} and no containers to update; ` +
        `add # {"$imagepolicy": "${target.policy}"} to the image value or remove the file from image-automation/files`,
    );
  } else {
    throw new ManifestRewriteError(
      `${path}: ${all.length} containers (${listed}) and no container named; set image-automation/container`,
    );
  }

  return chosen.map(container => {
    const image: Node | undefined = container.image;
    const doc = source.documents[container.documentIndex];
    if (container.aliased || isAlias(image)) {
      throw new ManifestRewriteError(
        `${path}: container ${JSON.stringify(container.name)} takes its image through a YAML alias; ` +
          `mark the anchored value with # {"$imagepolicy": "${target.policy}"} instead`,
      );
    }
    if (!isScalar(image) || typeof image.value !== 'string') {
      throw new ManifestRewriteError(
        `${path}: container ${JSON.stringify(container.name)} has no image of its own to update`,
      );
    }
    return {
      scalar: image,
      policy: target.policy,
      field: 'image' as const,
      location: {
        file: path,
        line: source.lineOf(image.range![0]),
        documentIndex: container.documentIndex,
        ...definedOnly({ ...documentIdentity(doc), container: container.name }),
      },
    };
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
