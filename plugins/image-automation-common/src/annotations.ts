/** Prefix shared by every annotation this plugin reads. @public */
export const ANNOTATION_PREFIX = 'image-automation/';

/**
 * The catalog annotations that configure image automation for an entity
 * (SPEC §3). Shorthand keys describe one image; `config` holds the full form.
 * @public
 */
export const ANNOTATIONS = {
  image: 'image-automation/image',
  policy: 'image-automation/policy',
  filterTags: 'image-automation/filter-tags',
  filterExtract: 'image-automation/filter-extract',
  files: 'image-automation/files',
  container: 'image-automation/container',
  mode: 'image-automation/mode',
  config: 'image-automation/config',
  repo: 'image-automation/repo',
  /** Duration (`2h`, `PT2H`) a new tag must have been seen before it is proposed. */
  minimumAge: 'image-automation/minimum-age',
  /** `true` lets the policy propose a tag it orders below the one in Git. */
  allowDowngrade: 'image-automation/allow-downgrade',
  /** Duration between checks of this entity (the backend enforces a floor). */
  interval: 'image-automation/interval',
} as const;

/** @public */
export type AnnotationKey = (typeof ANNOTATIONS)[keyof typeof ANNOTATIONS];

/**
 * True when the entity carries either the shorthand image annotation or the
 * full-form config annotation, i.e. when it asks for image automation.
 * @public
 */
export function hasImageAutomationAnnotations(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(annotations[ANNOTATIONS.image] || annotations[ANNOTATIONS.config]);
}

/**
 * The entity's own `image-automation/*` annotations, in a stable order, for
 * display. Values are returned verbatim.
 * @public
 */
export function getImageAutomationAnnotations(entity: {
  metadata: { annotations?: Record<string, string> };
}): Array<{ key: string; value: string }> {
  return Object.entries(entity.metadata.annotations ?? {})
    .filter(([key]) => key.startsWith(ANNOTATION_PREFIX))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
}
