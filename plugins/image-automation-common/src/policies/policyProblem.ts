import { ImagePolicySpec, InvalidPolicyError } from './ImagePolicySpec';
import { createTagPolicy } from './createTagPolicy';

/** Distinct specs remembered; a catalog names a handful, each used by many entities. */
const REMEMBERED_SPECS = 256;

/** Problem (or '' for none) by the spec's JSON, oldest first. */
const problems = new Map<string, string>();

/**
 * What the policy engine says is wrong with `spec` (its InvalidPolicyError
 * message, without the final period), or undefined when the spec can be
 * evaluated. Remembered by the spec's JSON: discovery checks every
 * entity's policy each cycle, and compiling thousands of copies of the same
 * range cost as much memory as the rest of discovery.
 */
export function policyProblem(spec: ImagePolicySpec): string | undefined {
  const key = exactKey(spec);
  if (key === undefined) return compileProblem(spec) || undefined;
  let problem = problems.get(key);
  if (problem === undefined) {
    problem = compileProblem(spec);
    if (problems.size >= REMEMBERED_SPECS)
      problems.delete(problems.keys().next().value!);
    problems.set(key, problem);
  }
  return problem || undefined;
}

/**
 * The spec's JSON when it says everything the engine reads; undefined when
 * JSON would blur a difference its message may name (`undefined`, NaN,
 * a Date, a class instance, an own `__proto__`): such a spec is not remembered.
 */
function exactKey(spec: unknown): string | undefined {
  let exact = true;
  const key = JSON.stringify({ spec }, function check(this: any, name: string) {
    // The value as it is, before JSON's own toJSON (a Date's) replaced it.
    const value: unknown = this[name];
    if (name === '__proto__') exact = false;
    if (typeof value === 'number' && !Number.isFinite(value)) exact = false;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Object.prototype) exact = false;
    } else if (
      value !== null &&
      !['string', 'number', 'boolean', 'object'].includes(typeof value)
    ) {
      exact = false;
    }
    // Nothing more to learn once inexact (and a BigInt would make JSON throw).
    return exact ? value : undefined;
  });
  return exact ? key : undefined;
}

function compileProblem(spec: ImagePolicySpec): string {
  try {
    createTagPolicy(spec);
    return '';
  } catch (error) {
    if (error instanceof InvalidPolicyError)
      return error.message.replace(/\.$/, '');
    throw error;
  }
}
