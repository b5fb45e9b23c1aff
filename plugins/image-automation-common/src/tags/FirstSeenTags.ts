import { compareBytes } from '../policies/TagOrdering';

/**
 * One `"tag":time` member as JSON.stringify writes it: a string without
 * raw control characters (JSON has none; escapes allowed), a JSON number,
 * then `,` or `}`.
 */
/* eslint-disable no-control-regex */
const MEMBER =
  /"((?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)":(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)([,}])/y;
/* eslint-enable no-control-regex */

/**
 * The tags a registry lists for one repository, each with when this plugin
 * first saw it. Kept as two flat arrays, the tags in byte order
 * (compareBytes) and their times beside them, rather than an object keyed
 * by tag: a fleet lists hundreds of thousands of tags, and V8 keeps an
 * object with that many keys as a hash table of three words a key plus a
 * boxed number each (1,000 lists of 100 tags: 7.5 MB as objects, 1.1 MB
 * as arrays). Never changed once made.
 * @public
 */
export class FirstSeenTags {
  private constructor(
    /** Every tag listed, once each, in the order of compareBytes. */
    readonly tags: readonly string[],
    private readonly times: Float64Array,
  ) {}

  /** From tag → when first seen (epoch ms), as stored. */
  static fromRecord(record: Record<string, number>): FirstSeenTags {
    const tags = Object.keys(record).sort(compareBytes);
    return new FirstSeenTags(
      tags,
      Float64Array.from(tags, tag => record[tag]),
    );
  }

  /**
   * From the text {@link FirstSeenTags.toJSONText} (or `JSON.stringify` of
   * a record) writes, the same as `fromRecord(JSON.parse(text))`. Read
   * without making the object: JSON.parse gives an object keyed by tags a
   * hidden class per key, allocated in the old generation with every tag
   * name interned beside it. The store reads every repository's list each
   * cycle; for 1,000 lists of 100 tags of their own that left about 7 MB
   * there beyond the lists themselves, until a full collection (and took
   * 1.7 times as long). Text in any other shape (spaces, tags out of byte
   * order as a record's integer-like keys are written, a duplicate tag,
   * anything JSON.stringify does not write) is left to JSON.parse.
   */
  static fromJSONText(text: string): FirstSeenTags {
    if (text === '{}') return new FirstSeenTags([], new Float64Array(0));
    if (text.charCodeAt(0) !== 123 /* { */) return FirstSeenTags.parsed(text);
    const tags: string[] = [];
    const times: number[] = [];
    MEMBER.lastIndex = 1;
    for (;;) {
      const member = MEMBER.exec(text);
      if (!member) return FirstSeenTags.parsed(text);
      const [, quoted, time, end] = member;
      const tag = quoted.includes('\\') ? JSON.parse(`"${quoted}"`) : quoted;
      // Out of byte order, or a tag twice (JSON.parse keeps the last).
      if (tags.length && compareBytes(tags[tags.length - 1], tag) >= 0)
        return FirstSeenTags.parsed(text);
      tags.push(tag);
      times.push(Number(time));
      if (end === '}') break;
    }
    if (MEMBER.lastIndex !== text.length) return FirstSeenTags.parsed(text);
    return new FirstSeenTags(tags, Float64Array.from(times));
  }

  private static parsed(text: string): FirstSeenTags {
    return FirstSeenTags.fromRecord(JSON.parse(text));
  }

  /**
   * The tags a registry lists now: a tag `previous` knew keeps its time,
   * a new one is first seen `now`. When the registry lists exactly the
   * tags of `previous` (most scans), `previous` itself.
   */
  static listed(
    listed: readonly string[],
    previous: FirstSeenTags | undefined,
    now: number,
  ): FirstSeenTags {
    const tags = [...new Set(listed)].sort(compareBytes);
    if (previous && sameStrings(tags, previous.tags)) return previous;
    const times = new Float64Array(tags.length);
    tags.forEach((tag, index) => {
      times[index] = previous?.firstSeen(tag) ?? now;
    });
    return new FirstSeenTags(tags, times);
  }

  /** How many tags are listed. */
  get size(): number {
    return this.tags.length;
  }

  /** When `tag` was first seen (epoch ms); undefined when it is not listed. */
  firstSeen(tag: string): number | undefined {
    let low = 0;
    let high = this.tags.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = compareBytes(this.tags[middle], tag);
      if (order === 0) return this.times[middle];
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** When `tags[index]` was first seen. */
  timeAt(index: number): number {
    return this.times[index];
  }

  /** The same tags with the same first-seen times. */
  equals(other: FirstSeenTags | undefined): boolean {
    if (other === this) return true;
    if (!other || !sameStrings(this.tags, other.tags)) return false;
    return this.times.every((time, index) => time === other.times[index]);
  }

  /**
   * `JSON.stringify(this)`, written without building the object first: a
   * fleet's scans write hundreds of thousands of tags, and the object
   * (a hash table per list) cost more memory than the text.
   */
  toJSONText(): string {
    const members = this.tags.map(
      (tag, index) =>
        `${JSON.stringify(tag)}:${JSON.stringify(this.times[index])}`,
    );
    return `{${members.join(',')}}`;
  }

  /** Tag → when first seen, as stored (and as `JSON.stringify` writes it). */
  toJSON(): Record<string, number> {
    // fromEntries defines own properties: a tag may be named __proto__.
    return Object.fromEntries(
      this.tags.map((tag, index) => [tag, this.times[index]]),
    );
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
