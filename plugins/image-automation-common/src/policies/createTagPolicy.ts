import { ImagePolicySpec, InvalidPolicyError } from './ImagePolicySpec';
import { OrderedTagPolicy } from './OrderedTagPolicy';
import { createTagFilter } from './TagFilter';
import { TagPolicy } from './TagPolicy';
import { alphabeticalOrdering } from './alphabeticalOrdering';
import { NewestBuildTagPolicy } from './newestBuild/NewestBuildTagPolicy';
import { numericalOrdering } from './numericalOrdering';
import { semverOrdering } from './semver/semverOrdering';
import { validatePolicySpec } from './validatePolicySpec';

/**
 * Turns a Flux-shaped policy spec into a {@link TagPolicy}.
 *
 * @throws InvalidPolicyError for a spec it cannot evaluate: unknown keys,
 *   zero or several kinds, an unknown order, a bad range or a bad pattern.
 * @public
 */
export function createTagPolicy(spec: ImagePolicySpec): TagPolicy {
  const valid = validatePolicySpec(spec);
  const pattern = valid.filterTags?.pattern;
  const filter = pattern
    ? createTagFilter(pattern, valid.filterTags?.extract)
    : undefined;
  if (valid.newestBuild) {
    if (valid.filterTags?.extract) {
      throw new InvalidPolicyError(
        'Invalid policy: filterTags.extract has no effect with newestBuild, which orders tags by build time, not by name; keep filterTags.pattern and leave extract out.',
      );
    }
    // The name ordering only decides which tags are allowed; build times order them.
    return new NewestBuildTagPolicy(
      valid,
      new OrderedTagPolicy(valid, alphabeticalOrdering('asc'), filter),
    );
  }
  if (valid.semver)
    return new OrderedTagPolicy(
      valid,
      semverOrdering(valid.semver.range),
      filter,
    );
  if (valid.numerical) {
    return new OrderedTagPolicy(
      valid,
      numericalOrdering(valid.numerical.order ?? 'asc'),
      filter,
    );
  }
  return new OrderedTagPolicy(
    valid,
    alphabeticalOrdering(valid.alphabetical?.order ?? 'asc'),
    filter,
  );
}
