/*
 * The fast path of ManifestSource for plain block YAML; scanPlainManifest,
 * at the end of this file, says what it reads and why it can give up.
 */
import {
  Node,
  Pair,
  Scalar,
  ScalarTag,
  Schema,
  YAMLMap,
  YAMLSeq,
  isScalar,
} from 'yaml';
import type { ManifestDocument, SourceComment } from './ManifestSource';

/** What the scanner found: the same documents and comments the yaml package would give. */
export interface ScannedManifest {
  documents: ManifestDocument[];
  comments: Map<number, SourceComment>;
}

/** Thrown inside the scanner to give up; never escapes scanPlainManifest. */
const NOT_PLAIN = new Error('not plain block YAML');

function giveUp(): never {
  throw NOT_PLAIN;
}

/**
 * The implicit types of the YAML 1.2 core schema (null, bool, int, float),
 * taken from the yaml package so that plain scalars resolve exactly as its
 * composer resolves them (`replicas: 2` is the number 2, `name: 1.10` is 1.1).
 */
const CORE_IMPLICIT_TAGS = new Schema({ schema: 'core' }).tags.filter(
  (tag): tag is ScalarTag & { test: RegExp } =>
    tag.default === true && 'test' in tag && tag.test instanceof RegExp,
);
/** Every core implicit type starts with one of these (or is empty); others are strings. */
const MAY_BE_IMPLICIT = /^[-+.0-9~nNtTfF]/;

function resolvePlain(source: string): unknown {
  if (!MAY_BE_IMPLICIT.test(source)) return source;
  const tag = CORE_IMPLICIT_TAGS.find(t => t.test.test(source));
  if (!tag) return source;
  const resolved = tag.resolve(source, giveUp, {});
  return isScalar(resolved) ? resolved.value : resolved;
}

/** A mapping key the scanner accepts: Kubernetes-style names, annotations and label keys. */
const KEY = /[A-Za-z0-9_][A-Za-z0-9_./-]*:(?=[ \r\n]|$)/y;
/** The longest implicit key YAML allows is 1024 characters; stay well inside. */
const MAX_KEY_LENGTH = 1000;
/** Characters that cannot start a plain scalar here (YAML indicators; `-` is checked apart). */
const INDICATOR = /[?:,[\]{}#&*!|>'"%@`]/;
/** A literal block scalar header: `|` or `|-`, then at most a comment. */
const BLOCK_HEADER = /\|-?(?=[ \r\n]|$)/y;

/** The CST token type yaml gives each flow scalar style. */
const TOKEN_TYPES: Partial<Record<Scalar.Type, string>> = {
  PLAIN: 'scalar',
  QUOTE_SINGLE: 'single-quoted-scalar',
  QUOTE_DOUBLE: 'double-quoted-scalar',
};

/** Past this many keys a mapping's keys are looked up in a Set, not in its pairs. */
const KEYS_SEARCHED_IN_PAIRS = 16;

/**
 * The keys of one mapping being read, to refuse a duplicate. A manifest's
 * mappings have a handful of keys: those are found in the mapping's own
 * pairs (a Set for each mapping was a twelfth of what a scan allocated); a
 * long mapping, a ConfigMap's data say, gets a Set.
 */
class MappingKeys {
  private set?: Set<unknown>;

  constructor(private readonly pairs: ReadonlyArray<Pair<unknown, unknown>>) {}

  /** False when the mapping already has `key`; else true (the caller adds its pair). */
  add(key: string): boolean {
    if (this.set) {
      if (this.set.has(key)) return false;
      this.set.add(key);
      return true;
    }
    for (const pair of this.pairs) {
      if ((pair.key as Scalar).value === key) return false;
    }
    if (this.pairs.length >= KEYS_SEARCHED_IN_PAIRS) {
      this.set = new Set(this.pairs.map(pair => (pair.key as Scalar).value));
      this.set.add(key);
    }
    return true;
  }
}

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Offset just past the line's last character, before `\r\n` or `\n`. */
  end: number;
  /** Leading spaces. */
  indent: number;
  /** Only spaces, or nothing. */
  blank: boolean;
  /** Nothing but a comment after the indentation. */
  comment: boolean;
  /** Whether a line break follows (false only for a last line without one). */
  broken: boolean;
}

class PlainManifestScanner {
  private readonly lines: Line[] = [];
  private readonly comments = new Map<number, SourceComment>();
  /** The line being read; advanced by the parse functions. */
  private at = 0;
  /** One past the last line of the current document. */
  private stop = 0;

  constructor(private readonly text: string) {
    for (let start = 0; start < text.length || start === 0; ) {
      const newline = text.indexOf('\n', start);
      const broken = newline !== -1;
      let end = broken ? newline : text.length;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      let indent = start;
      while (indent < end && text.charCodeAt(indent) === 32) indent++;
      this.lines.push({
        start,
        end,
        indent: indent - start,
        blank: indent === end,
        comment: indent < end && text.charCodeAt(indent) === 35,
        broken,
      });
      if (!broken) break;
      start = newline + 1;
    }
  }

  scan(): ScannedManifest {
    // Document markers split the file first: `---` at column 0 always ends
    // what came before, even a block scalar.
    const markers: number[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      if (this.isDocumentMarker(this.lines[i])) markers.push(i);
    }
    const bodies: Array<[number, number]> = [];
    let first = 0;
    for (const marker of [...markers, this.lines.length]) {
      // Before the first `---`, comments alone belong to the document that
      // follows (and a file of comments alone has no document).
      if (bodies.length || first > 0 || this.hasContent(first, marker)) {
        bodies.push([first, marker]);
      }
      first = marker + 1;
    }

    // Comments are recorded in file order, the order warnings follow.
    const documents: ManifestDocument[] = [];
    this.at = 0;
    for (const [start, stop] of bodies) {
      this.stop = start;
      this.skipToContent(); // a comment-only prelude
      if (start > 0) this.recordMarkerComment(this.lines[start - 1]);
      this.at = start;
      this.stop = stop;
      // An empty document still counts as one, but its null node has
      // offsets of its own: not worth reproducing.
      if (!this.skipToContent()) giveUp();
      const root = this.blockNode(this.line().indent);
      if (this.skipToContent()) giveUp(); // less indented than the root
      const from = this.lines[start].start;
      const to =
        stop < this.lines.length ? this.lines[stop].start : this.text.length;
      documents.push({ contents: root, range: [from, to, to] });
    }
    this.stop = this.lines.length;
    this.skipToContent(); // a file of comments alone
    return { documents, comments: this.comments };
  }

  /** `---` alone or with a comment is a document start; other markers are left to yaml. */
  private isDocumentMarker(line: Line): boolean {
    const { text } = this;
    if (line.indent !== 0 || line.end - line.start < 3) return false;
    const head = text.slice(line.start, line.start + 3);
    if (head !== '---' && head !== '...') return false;
    const after = line.start + 3;
    if (after < line.end && text.charCodeAt(after) !== 32) return false;
    if (head === '...') giveUp();
    const rest = this.skipSpaces(after, line.end);
    if (rest < line.end && text.charCodeAt(rest) !== 35) giveUp(); // `--- value`
    return true;
  }

  private recordMarkerComment(line: Line) {
    const rest = this.skipSpaces(line.start + 3, line.end);
    if (rest < line.end) this.recordComment(rest, line.end);
  }

  private hasContent(first: number, stop: number): boolean {
    for (let i = first; i < stop; i++) {
      const line = this.lines[i];
      if (!line.blank && !line.comment) return true;
    }
    return false;
  }

  /** Records comment lines up to the next content line; false at the end of the document. */
  private skipToContent(): boolean {
    while (this.at < this.stop) {
      const line = this.lines[this.at];
      if (line.comment) this.recordComment(line.start + line.indent, line.end);
      else if (!line.blank) return true;
      this.at++;
    }
    return false;
  }

  private line(): Line {
    return this.lines[this.at];
  }

  /** The block mapping or sequence whose first line is the current one. */
  private blockNode(indent: number): Node {
    const line = this.line();
    const column = line.start + indent;
    if (this.isSequenceItem(column, line.end))
      return this.blockSequence(indent);
    if (this.keyEnd(column, line.end) !== -1)
      return this.blockMapping(indent, column);
    return giveUp(); // a scalar at the root or on its own line
  }

  private isSequenceItem(column: number, end: number): boolean {
    if (this.text.charCodeAt(column) !== 45) return false;
    if (column + 1 === end) giveUp(); // `-` alone: its item is on the next lines
    return this.text.charCodeAt(column + 1) === 32;
  }

  /** Offset of the `:` ending a plain key at `column`, or -1. */
  private keyEnd(column: number, end: number): number {
    KEY.lastIndex = column;
    if (!KEY.test(this.text) || KEY.lastIndex > end) return -1;
    if (KEY.lastIndex - column > MAX_KEY_LENGTH) giveUp();
    return KEY.lastIndex - 1;
  }

  /**
   * A block mapping whose keys sit at `indent`; its first key starts at
   * `firstKey`, which is further right when the mapping is a sequence item
   * (`- name: app`).
   */
  private blockMapping(indent: number, firstKey: number): YAMLMap {
    const map = new YAMLMap();
    const keys = new MappingKeys(map.items);
    let keyStart = firstKey;
    for (;;) {
      const line = this.line();
      const colon = this.keyEnd(keyStart, line.end);
      if (colon === -1) giveUp();
      const keySource = this.text.slice(keyStart, colon);
      const keyValue = resolvePlain(keySource);
      // Keys are strings in manifests; other keys and duplicates (an error
      // for yaml) are left to yaml.
      if (typeof keyValue !== 'string' || !keys.add(keyValue)) giveUp();
      const key = this.scalar(keyValue, Scalar.PLAIN, keyStart, keySource);
      map.items.push(new Pair(key, this.mappingValue(indent, colon + 1, line)));

      if (!this.skipToContent()) return map;
      const next = this.line();
      if (next.indent < indent) return map;
      if (next.indent > indent) giveUp();
      keyStart = next.start + indent;
    }
  }

  /** The value after a key's `:` at `from`; leaves `at` on the line after it. */
  private mappingValue(indent: number, from: number, line: Line): Node {
    const valueStart = this.skipSpaces(from, line.end);
    if (valueStart < line.end && this.text.charCodeAt(valueStart) !== 35) {
      return this.inlineValue(indent, valueStart, line, true);
    }
    // `key:` (perhaps with a comment): the value is on the following lines,
    // more indented, or a sequence at the key's own indentation.
    if (valueStart < line.end) this.recordComment(valueStart, line.end);
    this.at++;
    if (!this.skipToContent()) giveUp(); // an empty value
    const next = this.line();
    if (next.indent > indent) return this.blockNode(next.indent);
    if (
      next.indent === indent &&
      this.isSequenceItem(next.start + indent, next.end)
    ) {
      return this.blockSequence(indent);
    }
    return giveUp(); // an empty value
  }

  /** A block sequence whose `-` indicators sit at `indent`. */
  private blockSequence(indent: number): YAMLSeq {
    const seq = new YAMLSeq();
    for (;;) {
      const line = this.line();
      const dash = line.start + indent;
      if (!this.isSequenceItem(dash, line.end)) return seq; // the parent mapping goes on
      const itemStart = this.skipSpaces(dash + 1, line.end);
      const first = this.text.charCodeAt(itemStart);
      if (itemStart === line.end || first === 35) giveUp(); // the item is on the next lines
      if (first === 45 && this.isSequenceItem(itemStart, line.end)) giveUp(); // `- - x`
      if (this.keyEnd(itemStart, line.end) !== -1) {
        seq.items.push(this.blockMapping(itemStart - line.start, itemStart));
      } else {
        // A block scalar right after `-` could take the comment above the
        // item as a marker; leave that to yaml.
        seq.items.push(this.inlineValue(indent, itemStart, line, false));
      }
      if (!this.skipToContent()) return seq;
      const next = this.line();
      if (next.indent < indent) return seq;
      if (next.indent > indent) giveUp();
    }
  }

  /**
   * A value that starts on the current line at `start`: a one-line scalar
   * or flow collection, or a literal block scalar. Any line after it must
   * be indented at most `indent` (no multi-line plain scalars).
   */
  private inlineValue(
    indent: number,
    start: number,
    line: Line,
    blockScalarAllowed: boolean,
  ): Node {
    const first = this.text.charCodeAt(start);
    if (first === 124 /* | */) {
      if (!blockScalarAllowed) giveUp();
      return this.literalBlockScalar(indent, start, line);
    }
    let node: Node;
    if (first === 91 /* [ */ || first === 123 /* { */) {
      const [collection, end] = this.flowCollection(start, line.end);
      this.lineComment(end, line.end);
      node = collection;
    } else {
      const [scalar, end] = this.flowScalar(start, line.end, false);
      // yaml keeps a scalar's line comment in its token, where lineCommentOf looks.
      const comment = this.lineComment(end, line.end);
      (scalar.srcToken as { end?: unknown[] }).end = comment
        ? [
            {
              type: 'comment',
              offset: comment.offset,
              indent: 0,
              source: comment.text,
            },
          ]
        : [];
      node = scalar;
    }
    this.at++;
    this.assertNothingMoreIndented(indent);
    return node;
  }

  /** After a value, a more indented line would continue it (or be an error): leave that to yaml. */
  private assertNothingMoreIndented(indent: number) {
    if (this.skipToContent() && this.line().indent > indent) giveUp();
  }

  /** Records the comment after a value (from `from` to the line's end); nothing else may follow. */
  private lineComment(from: number, end: number): SourceComment | undefined {
    const commentStart = this.skipSpaces(from, end);
    if (commentStart === end) return undefined;
    if (commentStart === from || this.text.charCodeAt(commentStart) !== 35)
      giveUp();
    return this.recordComment(commentStart, end);
  }

  /**
   * A plain, single- or double-quoted scalar on one line, from `start`;
   * returns it and the offset just past it. In a flow collection plain
   * scalars also end at `,`, `]` and `}`.
   */
  private flowScalar(
    start: number,
    end: number,
    inFlow: boolean,
  ): [Scalar, number] {
    const { text } = this;
    const first = text.charCodeAt(start);
    if (first === 39 /* ' */) {
      let close = start + 1;
      for (;;) {
        close = text.indexOf("'", close);
        if (close === -1 || close >= end) giveUp(); // continues on the next line
        if (text.charCodeAt(close + 1) !== 39) break;
        close += 2;
      }
      const source = text.slice(start, close + 1);
      const value = source.slice(1, -1).replace(/''/g, "'");
      return [
        this.scalar(value, Scalar.QUOTE_SINGLE, start, source),
        close + 1,
      ];
    }
    if (first === 34 /* " */) {
      const close = text.indexOf('"', start + 1);
      if (close === -1 || close >= end) giveUp();
      const source = text.slice(start, close + 1);
      if (source.includes('\\')) giveUp(); // escapes are yaml's business
      return [
        this.scalar(source.slice(1, -1), Scalar.QUOTE_DOUBLE, start, source),
        close + 1,
      ];
    }
    if (INDICATOR.test(text[start])) giveUp();
    // `-` starts a plain scalar only when something other than a space or
    // a flow indicator follows (`--port`).
    if (
      first === 45 &&
      (start + 1 === end || /[ ,[\]{}]/.test(text[start + 1]))
    )
      giveUp();
    // The scalar runs to a comment (` #`) or the line's end, and in flow
    // context to the first flow indicator; trailing spaces are not part of it.
    let stopAt = start + 1;
    for (; stopAt < end; stopAt++) {
      const c = text.charCodeAt(stopAt);
      if (c === 35 /* # */ && text.charCodeAt(stopAt - 1) === 32) break;
      if (
        inFlow &&
        (c === 44 || c === 91 || c === 93 || c === 123 || c === 125)
      )
        break;
    }
    let last = stopAt;
    while (last > start && text.charCodeAt(last - 1) === 32) last--;
    const source = text.slice(start, last);
    // `a: b` inside a value is a nested mapping (an error in a block
    // value); a trailing `:` makes a key.
    if (source.includes(': ') || source.endsWith(':')) giveUp();
    return [
      this.scalar(resolvePlain(source), Scalar.PLAIN, start, source),
      last,
    ];
  }

  /** `[a, "b"]` or `{k: v}` on one line, holding scalars only; returns it and the offset past it. */
  private flowCollection(start: number, end: number): [Node, number] {
    const { text } = this;
    const isMap = text.charCodeAt(start) === 123;
    const close = isMap ? 125 : 93;
    const collection = isMap ? new YAMLMap() : new YAMLSeq();
    collection.flow = true;
    const keys = isMap
      ? new MappingKeys((collection as YAMLMap).items)
      : undefined;
    let at = this.skipSpaces(start + 1, end);
    if (text.charCodeAt(at) === close) return [collection, at + 1];
    for (;;) {
      if (at >= end) giveUp();
      if (isMap) {
        const colon = this.keyEnd(at, end);
        if (colon === -1) giveUp();
        const keySource = text.slice(at, colon);
        const keyValue = resolvePlain(keySource);
        if (typeof keyValue !== 'string' || !keys!.add(keyValue)) giveUp();
        const key = this.scalar(keyValue, Scalar.PLAIN, at, keySource);
        const valueStart = this.skipSpaces(colon + 1, end);
        const [value, after] = this.flowScalar(valueStart, end, true);
        (collection as YAMLMap).items.push(new Pair(key, value));
        at = after;
      } else {
        const [item, after] = this.flowScalar(at, end, true);
        (collection as YAMLSeq).items.push(item);
        at = after;
      }
      at = this.skipSpaces(at, end);
      const c = text.charCodeAt(at);
      if (c === close) return [collection, at + 1];
      if (c !== 44) giveUp();
      at = this.skipSpaces(at + 1, end);
      if (text.charCodeAt(at) === close) giveUp(); // a trailing comma
    }
  }

  /**
   * A literal block scalar (`|` or `|-`) whose header starts at `start`.
   * Its lines are the following ones indented more than `indent`; the
   * first of them sets the content indentation. `#` lines inside are text.
   */
  private literalBlockScalar(
    indent: number,
    start: number,
    line: Line,
  ): Scalar {
    BLOCK_HEADER.lastIndex = start;
    if (!BLOCK_HEADER.test(this.text)) giveUp(); // `>`, `|+`, `|2`…
    const strip = BLOCK_HEADER.lastIndex - start === 2;
    this.lineComment(BLOCK_HEADER.lastIndex, line.end);
    this.at++;

    let contentIndent = -1;
    let widestLeadingBlank = 0;
    const first = this.at;
    while (this.at < this.stop) {
      const l = this.lines[this.at];
      if (l.blank) {
        if (contentIndent === -1)
          widestLeadingBlank = Math.max(widestLeadingBlank, l.indent);
        else if (l.indent > contentIndent) giveUp(); // spaces that would be text
      } else if (contentIndent === -1) {
        if (l.indent <= indent) break;
        contentIndent = l.indent;
      } else if (l.indent < contentIndent) break;
      this.at++;
    }
    // Empty block scalars and leading blank lines wider than the text are
    // yaml's business (the latter is an error there).
    if (contentIndent === -1 || widestLeadingBlank > contentIndent) giveUp();
    let last = this.at - 1;
    while (this.lines[last].blank) last--;
    if (!this.lines[last].broken) giveUp(); // no final line break to clip to

    const texts: string[] = [];
    for (let i = first; i <= last; i++) {
      const l = this.lines[i];
      texts.push(
        l.blank ? '' : this.text.slice(l.start + contentIndent, l.end),
      );
    }
    const value = texts.join('\n') + (strip ? '' : '\n');
    const sourceStart = this.lines[first].start;
    const sourceEnd =
      this.at < this.lines.length
        ? this.lines[this.at].start
        : this.text.length;
    const scalar = new Scalar(value);
    scalar.type = Scalar.BLOCK_LITERAL;
    scalar.range = [start, sourceEnd, sourceEnd];
    scalar.srcToken = {
      type: 'block-scalar',
      offset: start,
      source: this.text.slice(sourceStart, sourceEnd),
    } as Scalar.Parsed['srcToken'];
    this.assertNothingMoreIndented(indent);
    return scalar;
  }

  private scalar(
    value: unknown,
    type: Scalar.Type,
    offset: number,
    source: string,
  ): Scalar {
    const scalar = new Scalar(value);
    scalar.type = type;
    scalar.source = source;
    scalar.range = [offset, offset + source.length, offset + source.length];
    scalar.srcToken = {
      type: TOKEN_TYPES[type],
      offset,
      indent: 0,
      source,
    } as Scalar.Parsed['srcToken'];
    return scalar;
  }

  private recordComment(offset: number, end: number): SourceComment {
    const comment = { offset, text: this.text.slice(offset, end) };
    this.comments.set(offset, comment);
    return comment;
  }

  private skipSpaces(from: number, end: number): number {
    let at = from;
    while (at < end && this.text.charCodeAt(at) === 32) at++;
    return at;
  }
}

/**
 * The fast path of ManifestSource: reads the plain block YAML that nearly
 * every manifest is written in (block maps and sequences, one-line plain and
 * quoted scalars, one-line flow collections of scalars, literal block
 * scalars, comments) and builds the same nodes the yaml package would, with
 * the same offsets, in a single pass over the lines.
 *
 * Why: the yaml package's lexer, parser and composer cost ~100 µs per
 * Deployment, most of it in generality manifests do not use. Correctness is
 * kept by refusal: at the first construct outside that subset (anchors,
 * aliases, tags, multi-line flow scalars, folded or kept block scalars,
 * empty values, duplicate keys, tabs, non-ASCII, directives, `...`), the
 * scanner gives up and returns undefined, and the caller parses the file
 * with the yaml package, which also produces the error messages for invalid
 * YAML. So the scanner never has to decide that a file is invalid, only that
 * it is certainly valid and what it holds.
 */
export function scanPlainManifest(
  content: string,
): ScannedManifest | undefined {
  // Tabs, control characters, non-ASCII (including a BOM) and lone CRs all
  // have YAML rules of their own: leave such files to the yaml package.
  if (/[^\n\r\x20-\x7e]|\r(?!\n)/.test(content)) return undefined;
  try {
    return new PlainManifestScanner(content).scan();
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}
