import { RE2JS } from 're2js';
import { InvalidPolicyError } from './ImagePolicySpec';
import { parseTemplate, referenceNumber } from './expandTemplate';

/**
 * `filterTags`: keeps tags matching `pattern` and, with `extract`, hands the
 * policy the expanded template instead of the tag (Flux semantics: the match
 * is unanchored, leftmost-first, Go/RE2 syntax).
 *
 * The pattern runs on RE2JS, a linear-time engine: a user's pattern such as
 * `(a+)+$` cannot make the scan backtrack for ever, whatever the tags.
 */
export interface TagFilter {
  readonly pattern: string;
  /** The value the policy orders for this tag, or undefined when the tag does not match. */
  apply(tag: string): string | undefined;
  readonly extracts: boolean;
}

type CompiledPart = { literal: string } | { group: number };

function compilePattern(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    const reason = (error as Error).message.replace(
      /^error parsing regexp: /,
      '',
    );
    throw new InvalidPolicyError(
      `Invalid filterTags.pattern ${JSON.stringify(pattern)}: ${reason}. ` +
        'Patterns use RE2 (Go) syntax, e.g. "^main-[a-f0-9]+-(?P<ts>[0-9]+)$"; lookarounds and backreferences are not supported.',
    );
  }
}

export function createTagFilter(
  pattern: string,
  extract: string | undefined,
): TagFilter {
  const regex = compilePattern(pattern);
  if (!extract) {
    return {
      pattern,
      extracts: false,
      apply: tag => (regex.test(tag) ? tag : undefined),
    };
  }
  if (/[^\x20-\x7e]/.test(extract)) {
    throw new InvalidPolicyError(
      `Invalid filterTags.extract ${JSON.stringify(
        extract,
      )}: only printable ASCII characters are allowed, e.g. "$ts" or "\${version}".`,
    );
  }
  const groupCount = regex.groupCount();
  const namedGroups = regex.namedGroups();
  const parts: CompiledPart[] = parseTemplate(extract).map(part => {
    if ('literal' in part) return part;
    const number = referenceNumber(part.reference);
    const group = number ?? namedGroups[part.reference];
    if (group === undefined || group < 0 || group > groupCount) {
      const defined = Object.keys(namedGroups);
      throw new InvalidPolicyError(
        `Invalid filterTags.extract ${JSON.stringify(
          extract,
        )}: the pattern ${JSON.stringify(pattern)} has no group ` +
          `${JSON.stringify(part.reference)} (it has ${groupCount} group${
            groupCount === 1 ? '' : 's'
          }` +
          `${
            defined.length
              ? `, named ${defined.map(n => `"${n}"`).join(', ')}`
              : ''
          }). ` +
          'Refer to a group as $name, ${name} or $1.',
      );
    }
    return { group };
  });
  return {
    pattern,
    extracts: true,
    apply(tag) {
      const matcher = regex.matcher(tag);
      if (!matcher.find()) return undefined;
      let value = '';
      for (const part of parts) {
        if ('literal' in part) {
          value += part.literal;
        } else {
          // A group that took no part in the match expands to nothing, as in Go.
          value += matcher.group(part.group) ?? '';
        }
      }
      return value;
    },
  };
}
