import type { ConfigProblem } from '../api';

/**
 * The problem key of a field inside the full form: the annotation key (or
 * config file path) followed by the field's path, e.g.
 * `image-automation/config: images[1].policy`.
 */
export function fieldKey(source: string, path: string): string {
  return path ? `${source}: ${path}` : source;
}

/**
 * One line for logs and the CLI: `key: message (example: …)`. Examples are
 * single-line by construction; any line break is folded so that each problem
 * stays one line.
 * @public
 */
export function describeConfigProblem(problem: ConfigProblem): string {
  const message = problem.message.replace(/\.$/, '');
  if (!problem.example) return `${problem.key}: ${message}`;
  const example = problem.example.trim().replace(/\s*\n\s*/g, ' ');
  return `${problem.key}: ${message} (example: ${example})`;
}

/** Problems found so far; parsers push to one shared list. */
export class ProblemList {
  readonly items: ConfigProblem[] = [];

  add(key: string, message: string, example?: string): void {
    const problem: ConfigProblem = { key, message };
    if (example !== undefined) problem.example = example;
    this.items.push(problem);
  }

  /** Marks a point so that `since(mark)` tells whether anything was added after it. */
  mark(): number {
    return this.items.length;
  }

  since(mark: number): boolean {
    return this.items.length > mark;
  }

  /** Adds the same consequence to every problem added after `mark`. */
  appendSince(mark: number, text: string): void {
    for (const problem of this.items.slice(mark)) problem.message += text;
  }
}

/** A value as the user wrote it, for messages: strings quoted, other types named. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}
