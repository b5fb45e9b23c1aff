import { Rejection, TagOrdering } from '../TagOrdering';
import {
  SemanticVersion,
  compareSemanticVersions,
  readSemanticVersion,
} from './SemanticVersion';
import { parseSemverRange } from './SemverRange';

/**
 * Flux's `semver` policy: values that read as semantic versions and satisfy
 * the range, highest first.
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
    description: `semver ${range}`,
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
