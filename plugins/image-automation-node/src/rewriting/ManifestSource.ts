import { Alias, CST, Composer, Document, Node, Parser, Range, Scalar } from 'yaml';
import { ManifestRewriteError } from './ManifestRewriteError';
import { MAX_MANIFEST_BYTES } from './limits';
import { scanPlainManifest } from './scanPlainManifest';

type CstToken = CST.Token | CST.SourceToken;
type CstCollectionItem = CST.CollectionItem;

/** A comment token of the file: where it starts and its text (from `#`, no line break). */
export interface SourceComment {
  offset: number;
  text: string;
}

/** One YAML document of a manifest: its root node and where it sits in the file. */
export interface ManifestDocument {
  contents: Node | null;
  range: Range;
  /** The yaml package's document, when the file went through it: aliases resolve against it. */
  yaml?: Document.Parsed;
}

/**
 * One manifest file parsed for rewriting: its documents (each node keeps its
 * source token, so scalars can be spliced at their exact offsets), every real
 * comment of the file (never a `#` line inside a block scalar), and a line
 * index.
 *
 * Plain block YAML, which is nearly every manifest, is read by
 * scanPlainManifest in one pass; anything else goes through the yaml
 * package's parser and composer, which build the same nodes.
 */
export class ManifestSource {
  private constructor(
    readonly path: string,
    readonly content: string,
    readonly documents: ManifestDocument[],
    readonly comments: Map<number, SourceComment>,
    private readonly lineStarts: number[],
  ) {}

  static parse(path: string, content: string): ManifestSource {
    assertManifestSize(path, content);
    const scanned = scanPlainManifest(content);
    if (!scanned) return ManifestSource.parseWithYaml(path, content);
    return new ManifestSource(
      path,
      content,
      scanned.documents,
      scanned.comments,
      indexLines(content),
    );
  }

  /**
   * The general path: the yaml package's parser and composer, for any YAML
   * (and the reference the fast path is tested against).
   */
  static parseWithYaml(path: string, content: string): ManifestSource {
    assertManifestSize(path, content);
    const tokens = Array.from(new Parser().parse(content));
    const found = new Map<number, SourceComment>();
    for (const token of tokens) collectComments(token, found);
    // The CST holds comments in tree order, which is not always file order
    // (a comment after a nested block can belong to an outer token); both
    // paths list them in file order so that warnings come line by line.
    const comments = new Map([...found].sort(([a], [b]) => a - b));
    const documents = Array.from(
      new Composer({ keepSourceTokens: true }).compose(tokens),
    );
    const source = new ManifestSource(
      path,
      content,
      documents.map(doc => ({ contents: doc.contents, range: doc.range, yaml: doc })),
      comments,
      indexLines(content),
    );
    for (const doc of documents) {
      const error = doc.errors[0];
      if (error) {
        throw new ManifestRewriteError(
          `${path}:${source.lineOf(error.pos[0])}: invalid YAML: ${error.message.split('\n')[0]}; ` +
            'fix the file before image automation can update it',
          { notYaml: true },
        );
      }
    }
    return source;
  }

  /** 1-based line of a character offset. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** The comment at the end of a flow scalar's or alias's line, if any (kyaml's LineComment). */
  lineCommentOf(node: Scalar | Alias): SourceComment | undefined {
    const token = node.srcToken;
    if (!token || !('end' in token) || !token.end) return undefined;
    for (const t of token.end) {
      if (t.type === 'space') continue;
      if (t.type === 'comment') return { offset: t.offset, text: t.source };
      return undefined;
    }
    return undefined;
  }

  /**
   * The one-line comment directly above a scalar that starts its own line
   * (a list item `- value`, or a value on the line after its key); kyaml's
   * HeadComment of that scalar. For `key: value` the comment above belongs
   * to the key, not the value, so there is none. A comment block of several
   * lines is not a marker either: kyaml reads it as one text that is not JSON.
   */
  headCommentOf(offset: number): SourceComment | undefined {
    const line = this.lineOf(offset) - 1;
    const before = this.content.slice(this.lineStarts[line], offset);
    if (!/^[ \t]*(?:[-?:][ \t]+)*$/.test(before)) return undefined;
    if (line === 0) return undefined;
    const above = this.commentOnlyLine(line - 1);
    if (!above) return undefined;
    if (line >= 2 && this.commentOnlyLine(line - 2)) return undefined;
    return above;
  }

  /** The comment filling line `index` (0-based), if the line holds nothing else. */
  private commentOnlyLine(index: number): SourceComment | undefined {
    const start = this.lineStarts[index];
    const end =
      index + 1 < this.lineStarts.length
        ? this.lineStarts[index + 1]
        : this.content.length;
    const text = this.content.slice(start, end);
    const indent = /^[ \t]*/.exec(text)![0].length;
    const comment = this.comments.get(start + indent);
    if (!comment) return undefined;
    const rest = text.slice(indent + comment.text.length);
    return /^[ \t\r\n]*$/.test(rest) ? comment : undefined;
  }
}

/** Refuses files over MAX_MANIFEST_BYTES before any parsing. */
export function assertManifestSize(path: string, content: string) {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > MAX_MANIFEST_BYTES) {
    throw new ManifestRewriteError(
      `${path}: the file is ${bytes} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit for manifests; ` +
        'split it or leave it out of image-automation/files',
    );
  }
}

function indexLines(content: string): number[] {
  const starts = [0];
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

/**
 * Records every comment token of a CST tree by offset. Follows only the
 * fields of the yaml package's token types that can hold comments, which is
 * several times faster than walking every property.
 */
function collectComments(token: CstToken, into: Map<number, SourceComment>) {
  if (token.type === 'comment') {
    into.set(token.offset, { offset: token.offset, text: token.source });
    return;
  }
  const t = token as Partial<
    Record<'start' | 'end' | 'props' | 'sep', CstToken[] | CstToken>
  > & { value?: CstToken; items?: CstCollectionItem[] };
  for (const list of [t.start, t.end, t.props, t.sep]) {
    if (Array.isArray(list)) for (const child of list) collectComments(child, into);
  }
  if (t.value) collectComments(t.value, into);
  if (t.items) {
    for (const item of t.items) {
      for (const child of item.start) collectComments(child, into);
      if (item.key) collectComments(item.key, into);
      if (item.sep) for (const child of item.sep) collectComments(child, into);
      if (item.value) collectComments(item.value, into);
    }
  }
}
