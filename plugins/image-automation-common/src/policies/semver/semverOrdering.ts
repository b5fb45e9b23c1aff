import { Rejection, TagOrdering } from '../TagOrdering';
import {
  SemanticVersion,
  compareSemanticVersions,
  parseSemanticVersion,
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
  return {
    description: `semver ${range}`,
    keyOf(value) {
      const version = parseSemanticVersion(value);
      if (!version) return unreadable;
      if (parsed.test(version)) return version;
      return version.prerelease.length > 0 && !parsed.namesPrerelease
        ? prereleaseRefused
        : notSatisfied;
    },
    tieBreak: 1,
    compareKeys: compareSemanticVersions,
  };
}
