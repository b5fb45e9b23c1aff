import fc from 'fast-check';
import { rewriteManifest } from './rewriteManifest';

/** A YAML tree to render; the marked leaf is rendered from a placeholder. */
type Entry =
  | { key: string; kind: 'scalar'; value: string; style: Style; comment?: string }
  | { key: string; kind: 'map'; entries: Entry[]; comment?: string }
  | { key: string; kind: 'seq'; items: string[] };
type Style = 'plain' | 'single' | 'double';

const OLD = 'ghcr.io/acme/app:1.0.0';
const NEW = 'ghcr.io/acme/app:2.0.0';

const QUOTES: Record<Style, string> = { plain: '', single: "'", double: '"' };
const quote = (value: string, style: Style) =>
  `${QUOTES[style]}${value}${QUOTES[style]}`;

const keyArb = fc.stringMatching(/^[a-z][a-zA-Z0-9_-]{0,8}$/);
const valueArb = fc.stringMatching(/^[a-z][a-z0-9._/-]{0,14}$/);
const styleArb = fc.constantFrom<Style>('plain', 'single', 'double');
const commentArb = fc.option(fc.stringMatching(/^[a-zA-Z0-9 ,.:'"{}-]{0,24}$/), {
  nil: undefined,
});

const { entries: entriesArb } = fc.letrec<{ entries: Entry[]; entry: Entry }>(tie => ({
  entry: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      key: keyArb,
      kind: fc.constant('scalar' as const),
      value: valueArb,
      style: styleArb,
      comment: commentArb,
    }),
    fc.record({
      key: keyArb,
      kind: fc.constant('map' as const),
      entries: tie('entries') as fc.Arbitrary<Entry[]>,
      comment: commentArb,
    }),
    fc.record({
      key: keyArb,
      kind: fc.constant('seq' as const),
      items: fc.array(valueArb, { minLength: 1, maxLength: 3 }),
    }),
  ),
  entries: fc.uniqueArray(tie('entry') as fc.Arbitrary<Entry>, {
    minLength: 1,
    maxLength: 5,
    selector: e => e.key,
  }),
}));

interface Layout {
  unit: string;
  eol: string;
  blankLines: boolean;
  markedStyle: Style;
}

/** Renders entries; the scalar leaf number `marked` (in document order) carries the marker. */
function render(entries: Entry[], layout: Layout, marked: number, value: string): string {
  let leaf = 0;
  const out: string[] = [];
  const walk = (list: Entry[], indent: string) => {
    for (const entry of list) {
      if (layout.blankLines && leaf % 3 === 1) out.push(layout.eol);
      const comment = 'comment' in entry && entry.comment !== undefined ? ` # ${entry.comment}` : '';
      if (entry.kind === 'scalar') {
        const isMarked = leaf++ === marked;
        const text = isMarked ? quote(value, layout.markedStyle) : quote(entry.value, entry.style);
        const tail = isMarked ? ' # {"$imagepolicy": "flux-system:app"}' : comment;
        out.push(`${indent}${entry.key}: ${text}${tail}${layout.eol}`);
      } else if (entry.kind === 'map') {
        out.push(`${indent}${entry.key}:${comment}${layout.eol}`);
        walk(entry.entries, indent + layout.unit);
      } else {
        out.push(`${indent}${entry.key}:${layout.eol}`);
        for (const item of entry.items) out.push(`${indent}${layout.unit}- ${item}${layout.eol}`);
      }
    }
  };
  walk(entries, '');
  return out.join('');
}

function countLeaves(entries: Entry[]): number {
  let leaves = 0;
  for (const e of entries) {
    if (e.kind === 'scalar') leaves += 1;
    else if (e.kind === 'map') leaves += countLeaves(e.entries);
  }
  return leaves;
}

describe('rewriteManifest byte preservation (property)', () => {
  it('changes exactly the marked scalar and keeps every other byte', () => {
    fc.assert(
      fc.property(
        fc.array(entriesArb, { minLength: 1, maxLength: 3 }),
        fc.record({
          unit: fc.constantFrom('  ', '    ', '   '),
          eol: fc.constantFrom('\n', '\r\n'),
          blankLines: fc.boolean(),
          markedStyle: styleArb,
        }),
        fc.nat(),
        fc.nat(),
        (documents, layout, docPick, leafPick) => {
          const withLeaves = documents.filter(d => countLeaves(d) > 0);
          fc.pre(withLeaves.length > 0);
          const markedDoc = documents.indexOf(withLeaves[docPick % withLeaves.length]);
          const marked = leafPick % countLeaves(documents[markedDoc]);
          const renderAll = (value: string) =>
            documents
              .map((doc, i) => render(doc, layout, i === markedDoc ? marked : -1, value))
              .join(`---${layout.eol}`);

          const input = renderAll(OLD);
          const result = rewriteManifest(
            { path: 'random.yaml', content: input },
            { 'flux-system:app': NEW },
          );

          expect(result.content).toBe(renderAll(NEW));
          expect(result.changes).toHaveLength(1);
          expect(result.changes[0]).toMatchObject({
            documentIndex: markedDoc,
            oldValue: OLD,
            newValue: NEW,
          });
          expect(result.warnings).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
