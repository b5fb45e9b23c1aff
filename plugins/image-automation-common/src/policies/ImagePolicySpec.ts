/** @public */
export type SortOrder = 'asc' | 'desc';

/**
 * A tag policy in Flux's ImagePolicy shape: exactly one of `semver`,
 * `alphabetical`, `numerical` or `newestBuild` (Flux's `spec.policy`), with
 * Flux's `spec.filterTags` at the same level.
 * @public
 */
export interface ImagePolicySpec {
  semver?: { range: string };
  /** `asc` (Flux's default) chooses the last tag in byte order, `desc` the first. */
  alphabetical?: { order?: SortOrder };
  /** `asc` (Flux's default) chooses the highest number, `desc` the lowest. */
  numerical?: { order?: SortOrder };
  /**
   * Argo CD Image Updater's `newest-build`: the tag whose image was built
   * last (the image config's `created`), whatever its name. For multi-arch
   * tags, the build time of `platform` (`os/arch[/variant]`, default
   * `linux/amd64`).
   */
  newestBuild?: { platform?: string };
  filterTags?: { pattern?: string; extract?: string };
}

/**
 * Raised by {@link createTagPolicy} for a spec it cannot evaluate. The
 * message names the offending field and value and says what would be valid.
 * @public
 */
export class InvalidPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPolicyError';
  }
}
