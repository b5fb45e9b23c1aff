import {
  ImagePolicySpec,
  InvalidPolicyError,
  SortOrder,
} from './ImagePolicySpec';
import { readNewestBuild } from './newestBuild/readNewestBuild';

const POLICY_KINDS = [
  'semver',
  'alphabetical',
  'numerical',
  'newestBuild',
] as const;
const SPEC_KEYS = [...POLICY_KINDS, 'filterTags'];

const EXAMPLE = '{"semver":{"range":">=1.4.0 <2.0.0"}}';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string'
    ? JSON.stringify(value)
    : `a ${typeof value}`;
}

function checkKeys(
  where: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
) {
  const unknown = Object.keys(value).filter(key => !allowed.includes(key));
  if (unknown.length > 0) {
    const expected = allowed.length
      ? `expected ${allowed.map(k => `"${k}"`).join(', ')}`
      : 'it takes no keys';
    throw new InvalidPolicyError(
      `Invalid policy: unknown key${unknown.length > 1 ? 's' : ''} ${unknown
        .map(k => `"${k}"`)
        .join(', ')} in ${where} (${expected}).`,
    );
  }
}

function readOrder(
  kind: 'alphabetical' | 'numerical',
  value: unknown,
): SortOrder {
  // Flux accepts `alphabetical: {}` and defaults the order.
  if (value === null || value === undefined) return 'asc';
  if (!isPlainObject(value)) {
    throw new InvalidPolicyError(
      `Invalid policy: ${kind} must be an object such as {"order":"asc"}, not ${describeValue(
        value,
      )}.`,
    );
  }
  checkKeys(kind, value, ['order']);
  const order = value.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') {
    throw new InvalidPolicyError(
      `Invalid policy: unknown ${kind}.order ${describeValue(
        order,
      )} (use "asc" or "desc").`,
    );
  }
  return order;
}

/**
 * Checks a policy spec from user input (catalog annotation, config file, CLI
 * flag) and returns it with defaults filled in. Every message names the field
 * at fault and what would be valid.
 */
export function validatePolicySpec(input: unknown): ImagePolicySpec {
  if (!isPlainObject(input)) {
    throw new InvalidPolicyError(
      `Invalid policy: expected an object such as ${EXAMPLE}, not ${describeValue(
        input,
      )}.`,
    );
  }
  checkKeys('the policy', input, SPEC_KEYS);
  const kinds = POLICY_KINDS.filter(kind => input[kind] !== undefined);
  if (kinds.length !== 1) {
    const problem =
      kinds.length === 0
        ? 'no policy kind given'
        : `several policy kinds given (${kinds.join(', ')})`;
    throw new InvalidPolicyError(
      `Invalid policy: ${problem}; give exactly one of semver, alphabetical, numerical or newestBuild, e.g. ${EXAMPLE}.`,
    );
  }

  const spec: ImagePolicySpec = {};
  const kind = kinds[0];
  if (kind === 'semver') {
    const semver = input.semver;
    if (!isPlainObject(semver)) {
      throw new InvalidPolicyError(
        `Invalid policy: semver must be an object such as {"range":">=1.4.0 <2.0.0"}, not ${describeValue(
          semver,
        )}.`,
      );
    }
    checkKeys('semver', semver, ['range']);
    if (typeof semver.range !== 'string') {
      throw new InvalidPolicyError(
        `Invalid policy: semver.range must be a string such as ">=1.4.0 <2.0.0", not ${describeValue(
          semver.range,
        )}.`,
      );
    }
    spec.semver = { range: semver.range };
  } else if (kind === 'newestBuild') {
    spec.newestBuild = readNewestBuild(input.newestBuild, checkKeys);
  } else {
    spec[kind] = { order: readOrder(kind, input[kind]) };
  }

  const filterTags = input.filterTags;
  if (filterTags !== undefined && filterTags !== null) {
    if (!isPlainObject(filterTags)) {
      throw new InvalidPolicyError(
        `Invalid policy: filterTags must be an object such as {"pattern":"^v(?P<v>.*)$","extract":"$v"}, not ${describeValue(
          filterTags,
        )}.`,
      );
    }
    checkKeys('filterTags', filterTags, ['pattern', 'extract']);
    for (const field of ['pattern', 'extract'] as const) {
      const value = filterTags[field];
      if (value !== undefined && typeof value !== 'string') {
        throw new InvalidPolicyError(
          `Invalid policy: filterTags.${field} must be a string, not ${describeValue(
            value,
          )}.`,
        );
      }
    }
    const pattern = filterTags.pattern as string | undefined;
    const extract = filterTags.extract as string | undefined;
    if (extract && !pattern) {
      throw new InvalidPolicyError(
        'Invalid policy: filterTags.extract needs a filterTags.pattern with the groups it refers to, e.g. {"pattern":"^v(?P<v>.*)$","extract":"$v"}.',
      );
    }
    spec.filterTags = {};
    if (pattern !== undefined) spec.filterTags.pattern = pattern;
    if (extract !== undefined) spec.filterTags.extract = extract;
  }
  return spec;
}
