import { InvalidDurationError, parseDuration } from './duration';
import { describeValue, fieldKey, ProblemList } from './problems';
import { describeUnknownKey, suggestKey } from './suggestKey';

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports problems at paths inside one config text. */
export class ConfigReader {
  constructor(
    private readonly source: string,
    readonly problems: ProblemList,
  ) {}

  report(path: string, message: string, example?: string): void {
    this.problems.add(fieldKey(this.source, path), message, example);
  }

  /** A mapping, or a problem saying what was found instead. */
  mapping(value: unknown, path: string, example: string): Mapping | undefined {
    if (isMapping(value)) return value;
    this.report(
      path,
      `expected a mapping, found ${describeValue(value)}`,
      example,
    );
    return undefined;
  }

  /**
   * Reports every key outside `allowed` (the keys of `examples`), suggesting
   * the key it was likely meant to be, with that key's example (or the first
   * allowed key's, when nothing is close).
   */
  unknownKeys(
    value: Mapping,
    path: string,
    examples: Record<string, string>,
  ): void {
    const allowed = Object.keys(examples);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const suggestion = suggestKey(key, allowed);
        this.report(
          join(path, key),
          describeUnknownKey(key, allowed),
          // Every problem shows something right to copy: the likely key's
          // example, else the first allowed key's.
          examples[suggestion ?? allowed[0]],
        );
      }
    }
  }

  /** An optional string (undefined when absent or not a string; the latter reported). */
  string(
    value: Mapping,
    path: string,
    field: string,
    example: string,
  ): string | undefined {
    const found = value[field];
    if (found === undefined || found === null) return undefined;
    if (typeof found === 'string') return found;
    this.report(
      join(path, field),
      `expected a string, found ${describeValue(found)}`,
      example,
    );
    return undefined;
  }

  duration(
    value: Mapping,
    path: string,
    field: string,
    example: string,
  ): number | undefined {
    const found = value[field];
    if (found === undefined || found === null) return undefined;
    if (typeof found !== 'string') {
      const hint =
        typeof found === 'number' ? '; give a unit, e.g. "2h" or "90s"' : '';
      this.report(
        join(path, field),
        `expected a duration, found ${describeValue(found)}${hint}`,
        example,
      );
      return undefined;
    }
    try {
      return parseDuration(found);
    } catch (error) {
      if (!(error instanceof InvalidDurationError)) throw error;
      this.report(join(path, field), error.message, example);
      return undefined;
    }
  }
}

export function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}
