import { InvalidPolicyError } from '../policies';
import { policyProblem } from '../policies/policyProblem';
import { suggestKey } from './suggestKey';
import type { PolicySpec } from './types';

const KINDS = ['semver', 'alphabetical', 'numerical', 'newest-build'] as const;

const FORMS =
  'write "semver: <range>" (e.g. "semver: >=1.4.0 <2.0.0"), "alphabetical: asc|desc", "numerical: asc|desc" or "newest-build" (optionally "newest-build: linux/arm64")';

/**
 * Parses the shorthand `image-automation/policy` value into Flux's policy
 * shape: `semver: >=1.4.0 <2.0.0` → `{ semver: { range } }`,
 * `alphabetical: desc` → `{ alphabetical: { order: 'desc' } }`,
 * `numerical: asc` → `{ numerical: { order: 'asc' } }`,
 * `newest-build` → `{ newestBuild: {} }` (Argo CD Image Updater's name;
 * `newest-build: linux/arm64` names the platform of multi-arch tags). The
 * order may be left out (`numerical`), which means `asc` as in Flux.
 *
 * The result is checked with the policy engine, so a bad semver range is
 * reported here, with the engine's precise message.
 *
 * @throws InvalidPolicyError quoting the value and saying what to write.
 * @public
 */
export function parseShorthandPolicy(value: string): PolicySpec {
  const text = value.trim();
  const fail = (problem: string): never => {
    throw new InvalidPolicyError(
      `Invalid policy ${JSON.stringify(value)}: ${problem}`,
    );
  };
  if (text.length === 0) fail(`it is empty; ${FORMS}`);

  const colon = text.indexOf(':');
  const kindText = (colon === -1 ? text : text.slice(0, colon)).trim();
  const argument = colon === -1 ? '' : text.slice(colon + 1).trim();
  const kind = KINDS.find(k => k === kindText);

  if (!kind) {
    if (/^[\s\d<>=~^*xXv|,.-]+$/.test(text) && /\d/.test(text)) {
      fail(
        `it names no policy kind; for a semver range write "semver: ${text}"`,
      );
    }
    const suggestion = suggestKey(kindText, KINDS);
    fail(
      `unknown policy kind ${JSON.stringify(kindText)}` +
        `${
          suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''
        }; ${FORMS}`,
    );
  }

  let spec: PolicySpec;
  if (kind === 'semver') {
    if (argument.length === 0) {
      fail(
        'semver needs a range, e.g. "semver: >=1.4.0 <2.0.0" or "semver: 1.x"',
      );
    }
    spec = { semver: { range: argument } };
  } else if (kind === 'newest-build') {
    spec = { newestBuild: argument ? { platform: argument } : {} };
  } else {
    if (argument !== '' && argument !== 'asc' && argument !== 'desc') {
      fail(
        `unknown ${kind} order ${JSON.stringify(
          argument,
        )}; use "${kind}: asc" or "${kind}: desc"`,
      );
    }
    const order = argument === 'desc' ? 'desc' : 'asc';
    spec =
      kind === 'alphabetical'
        ? { alphabetical: { order } }
        : { numerical: { order } };
  }

  const problem = policyProblem(spec);
  if (problem) fail(problem);
  return spec;
}
