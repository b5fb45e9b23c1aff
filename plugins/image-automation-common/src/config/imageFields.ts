/*
 * Checks of one image's fields, shared by the shorthand annotations and the
 * full form. Each returns why the value is wrong, in plain words, or
 * undefined; the callers attach the key and an example in their own syntax.
 */
import { InvalidImageReferenceError, parseImageReference } from '../imageRef';
import { policyProblem } from '../policies/policyProblem';
import type { PolicySpec } from './types';

/** The image must name a repository: the policy chooses the tag. */
export function describeInvalidImageRepository(
  value: string,
): string | undefined {
  const text = value.trim();
  if (text.length === 0) return 'the image is empty';
  try {
    const reference = parseImageReference(text);
    if (reference.digest) {
      return `${JSON.stringify(text)} pins the digest ${
        reference.digest
      }; leave it out, the policy chooses what to deploy`;
    }
    if (reference.tag !== undefined) {
      return `${JSON.stringify(text)} names the tag ${JSON.stringify(
        reference.tag,
      )}; leave the tag out, the policy chooses it`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) {
      return `${JSON.stringify(text)} is not an image repository: ${
        error.problem
      }`;
    }
    throw error;
  }
}

/**
 * Policy names are what setter markers refer to (`{"$imagepolicy": "api"}`),
 * so they are free strings as in Flux (`flux-system:podinfo` is fine) but
 * must be writable inside a marker without escaping, and must not end in a
 * marker suffix, which would make `api:tag` ambiguous.
 */
export function describeInvalidImageName(value: string): string | undefined {
  if (value.length === 0) return 'the name is empty';
  if (value.length > 253) return 'the name is longer than 253 characters';
  if (/[\s"'\\{}]/.test(value)) {
    return `${JSON.stringify(
      value,
    )} contains a space, a quote, a backslash or a brace, which setter markers cannot hold`;
  }
  const suffix = /:(tag|name|digest)$/.exec(value);
  if (suffix) {
    return `${JSON.stringify(value)} ends in ":${
      suffix[1]
    }", which setter markers read as a suffix`;
  }
  return undefined;
}

/** Container names are Kubernetes DNS labels; only what could never match is refused here. */
export function describeInvalidContainerName(
  value: string,
): string | undefined {
  if (value.trim().length === 0) return 'the container name is empty';
  if (/\s/.test(value.trim()))
    return `${JSON.stringify(value)} contains a space`;
  return undefined;
}

/** Which part of the policy a problem is in, so it is reported under the right key. */
export type PolicyField = 'policy' | 'filterTags' | 'extract';

/**
 * Runs the policy engine on the spec: the range or order first on its own,
 * so that a bad range is reported on the policy and a bad pattern on the
 * filter.
 */
export function checkPolicy(
  spec: PolicySpec,
): { field: PolicyField; message: string } | undefined {
  const { filterTags, ...policy } = spec;
  const problem = policyProblem(policy);
  if (problem) return { field: 'policy', message: problem };
  if (!filterTags) return undefined;
  const filterProblem = policyProblem(spec);
  if (!filterProblem) return undefined;
  // The engine names the field in its message; a bad pattern can quote an
  // extract template, so the pattern is recognised first.
  const aboutExtract =
    !/^Invalid filterTags\.pattern/.test(filterProblem) &&
    /filterTags\.extract/.test(filterProblem);
  return {
    field: aboutExtract ? 'extract' : 'filterTags',
    message: filterProblem,
  };
}
