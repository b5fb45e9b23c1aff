import { Rejection, TagOrdering } from '../TagOrdering';
import {
  SemanticVersion,
  compareSemanticVersions,
  readSemanticVersion,
} from './SemanticVersion';
import { SemverRange, parseSemverRange } from './SemverRange';

/**
 * Flux's `semver` policy: values that read as semantic versions and satisfy
 * the range, highest first. Among equal versions (`v1.0.0` and `1.0.0`,
 * `2023.07.04` and `2023.7.4`) Flux keeps the first it meets in its
 * descending byte order (it only replaces its choice with a strictly greater
 * version): the value later in byte order.
 */
export function semverOrdering(range: string): TagOrdering<SemanticVersion> {
  const parsed = parseSemverRange(range);
  const notSatisfied = Rejection.because(`does not satisfy ${range}`);
  const prereleaseRefused = Rejection.because(
    'prerelease not allowed by the range',
  );
  const unreadable = Rejection.unreadableAs('a semantic version');
  // Refused tags are the common case: read each into one scratch object and
  // copy only the versions the range allows.
  const scratch: SemanticVersion = {
    major: 0,
    minor: 0,
    patch: 0,
    prerelease: '',
  };
  return {
    description: `semver ${range}${describeWidening(parsed)}`,
    keyOf(value) {
      if (!readSemanticVersion(value, scratch)) return unreadable;
      if (parsed.test(scratch)) return { ...scratch };
      return scratch.prerelease !== '' && !parsed.namesPrerelease
        ? prereleaseRefused
        : notSatisfied;
    },
    tieBreak: 1,
    compareKeys: compareSemanticVersions,
  };
}

/**
 * Masterminds' per-group prerelease rule in plain words, when it reaches
 * comparators that name no prerelease: `>=3.0.0-0 <4.0.0` admits
 * `4.0.0-beta.2`, which people rarely expect.
 */
function describeWidening(range: SemverRange): string {
  if (range.prereleasesWidened.length === 0) return '';
  const groups = range.prereleasesWidened.map(
    ({ group, namedBy }) =>
      `${namedBy.join(', ')} ${
        namedBy.length === 1 ? 'names' : 'name'
      } a prerelease, so every comparator of ${JSON.stringify(
        group,
      )} admits prereleases`,
  );
  return ` (as in Flux: ${groups.join('; ')})`;
}
