import {
  ImageReference,
  formatImageReference,
  parseImageReference,
} from '@image-automation/plugin-image-automation-common';
import { ManifestChange } from './types';

/** One updated image, with the fields Flux's `.Updated.Images` entries offer templates. */
export interface FluxUpdatedImage {
  /** The image name without tag (`ghcr.io/acme/api`, `nginx`). */
  Name: string;
  /** The tag before the update (the first one seen when files disagreed). */
  OldTag: string;
  NewTag: string;
  Registry: string;
  Repository: string;
  /** The tag, or the digest when the reference has no tag. */
  Identifier: string;
  Tag: string;
  Digest: string;
  /** The policy (setter) name the update came from. */
  Policy: string;
  /** The full new reference, what `{{ . }}` prints in Flux. */
  String: string;
}

/** One set value, as in Flux's `.Changed.Changes`. */
export interface FluxChange {
  OldValue: string;
  NewValue: string;
  /** The marker's setter name: the policy, with `:tag`, `:name` or `:digest` for partial setters. */
  Setter: string;
}

/** Flux-compatible commit message template data. */
export interface FluxTemplateData {
  Updated: {
    Images: FluxUpdatedImage[];
    /** file → object (`Kind/name`) → images updated in it */
    Files: Record<string, Record<string, FluxUpdatedImage[]>>;
  };
  Changed: {
    Changes: FluxChange[];
    /** file → object (`Kind/name`) → changes in it */
    FileChanges: Record<string, Record<string, FluxChange[]>>;
  };
}

/** Builds the template data: unique updated images (by policy) and every change. */
export function summarizeChanges(changes: ManifestChange[]): FluxTemplateData {
  const images = new Map<string, FluxUpdatedImage>();
  const data: FluxTemplateData = {
    Updated: { Images: [], Files: {} },
    Changed: { Changes: [], FileChanges: {} },
  };
  const byPolicy = new Map<string, ManifestChange[]>();
  for (const change of changes) {
    byPolicy.set(change.policy, [...(byPolicy.get(change.policy) ?? []), change]);
  }
  for (const [policy, policyChanges] of [...byPolicy].sort(([a], [b]) => a.localeCompare(b))) {
    images.set(policy, updatedImage(policy, policyChanges));
  }
  data.Updated.Images = [...images.values()];

  for (const change of changes) {
    const fluxChange: FluxChange = {
      OldValue: change.oldValue,
      NewValue: change.newValue,
      Setter: change.field === 'image' ? change.policy : `${change.policy}:${change.field}`,
    };
    data.Changed.Changes.push(fluxChange);
    const object = `${change.kind ?? 'Document'}/${change.name ?? change.documentIndex}`;
    const fileChanges = (data.Changed.FileChanges[change.file] ??= {});
    (fileChanges[object] ??= []).push(fluxChange);
    const fileImages = (data.Updated.Files[change.file] ??= {});
    const objectImages = (fileImages[object] ??= []);
    const image = images.get(change.policy)!;
    if (!objectImages.includes(image)) objectImages.push(image);
  }
  return data;
}

function updatedImage(policy: string, changes: ManifestChange[]): FluxUpdatedImage {
  const full = changes.find(c => c.image)?.image ?? changes.find(c => c.field === 'image')?.newValue;
  let ref: Partial<ImageReference> = tryParse(full) ?? {};
  const tagChange = changes.find(c => c.field === 'tag');
  const nameChange = changes.find(c => c.field === 'name');
  const digestChange = changes.find(c => c.field === 'digest');
  if (!full) {
    ref = {
      ...(nameChange ? tryParse(nameChange.newValue) : {}),
      tag: tagChange?.newValue,
      digest: digestChange?.newValue,
    };
  }
  const imageChange = changes.find(c => c.field === 'image');
  const oldTag = tagChange?.oldValue ?? tryParse(imageChange?.oldValue)?.tag ?? '';
  const name =
    ref.registry && ref.repository
      ? formatImageReference({ registry: ref.registry, repository: ref.repository }, { familiar: true })
      : '';
  const tag = ref.tag ?? '';
  const digest = ref.digest ?? '';
  return {
    Name: name,
    OldTag: oldTag,
    NewTag: tag,
    Registry: ref.registry ?? '',
    Repository: ref.repository ?? '',
    Identifier: tag || digest,
    Tag: tag,
    Digest: digest,
    Policy: policy,
    String: `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`,
  };
}

function tryParse(ref: string | undefined): ImageReference | undefined {
  if (!ref) return undefined;
  try {
    return parseImageReference(ref);
  } catch {
    return undefined;
  }
}
