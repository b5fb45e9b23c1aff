import { ImagePolicySpec } from './ImagePolicySpec';
import { createTagPolicy } from './createTagPolicy';

/**
 * The tags whose build time a newest-build policy needs: those its name
 * pipeline allows (OCI grammar, signature tags, `filterTags`), last in
 * byte order first. Others are never candidates, so their images are
 * never read.
 *
 * @public
 */
export function buildTimeCandidates(
  spec: Pick<ImagePolicySpec, 'filterTags'>,
  tags: readonly string[],
): string[] {
  return createTagPolicy({
    alphabetical: {},
    filterTags: spec.filterTags,
  }).evaluate(tags).candidates;
}
