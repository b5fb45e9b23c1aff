import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import { ManifestRewriteError } from './ManifestRewriteError';
import { ManifestSource } from './ManifestSource';
import { scanPlainManifest } from './scanPlainManifest';

/*
 * The scanner is a fast path: whenever it answers, it must give exactly what
 * the yaml package gives (nodes, values, styles, offsets, line comments,
 * comments), and it must never answer for a file yaml rejects. These tests
 * compare the two on fixtures and on generated YAML, valid and not.
 */

/** What the rewriting code reads from a node, in a form `toEqual` compares. */
function shape(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) {
    const token = node.srcToken as
      | {
          type: string;
          offset: number;
          source: string;
          end?: Array<{ type: string; offset: number; source: string }>;
        }
      | undefined;
    const afterSpaces = token?.end?.find(t => t.type !== 'space');
    return {
      value:
        typeof node.value === 'number' ? `number ${node.value}` : node.value,
      type: node.type,
      start: node.range?.[0],
      token: token && {
        type: token.type,
        offset: token.offset,
        // Block scalars are never spliced, only their value is read.
        source: token.type === 'block-scalar' ? undefined : token.source,
        lineComment:
          afterSpaces?.type === 'comment'
            ? [afterSpaces.offset, afterSpaces.source]
            : undefined,
      },
    };
  }
  if (isMap(node))
    return {
      map: node.items.map(pair => [shape(pair.key), shape(pair.value)]),
    };
  if (isSeq(node)) return { seq: node.items.map(shape) };
  if (isAlias(node)) return { alias: node.source };
  throw new Error(`unexpected node ${String(node)}`);
}

function viaYaml(content: string) {
  try {
    const source = ManifestSource.parseWithYaml('x.yaml', content);
    return {
      documents: source.documents.map(doc => shape(doc.contents)),
      comments: [...source.comments.values()],
    };
  } catch (error) {
    if (error instanceof ManifestRewriteError) return { error: error.message };
    throw error;
  }
}

/** Compares the scanner with yaml on one file; returns whether the scanner answered. */
function expectSameAsYaml(content: string): boolean {
  const scanned = scanPlainManifest(content);
  if (!scanned) return false;
  const reference = viaYaml(content);
  expect({ content, ...reference }).toEqual({
    content,
    documents: scanned.documents.map(doc => shape(doc.contents)),
    // In file order: warnings about comments come in this order.
    comments: [...scanned.comments.values()],
  });
  return true;
}

describe('scanPlainManifest', () => {
  it('reads a workload exactly as the yaml package does', () => {
    const content = [
      '# leading comment',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: app',
      '  labels: {team: payments, tier: "web"}',
      'spec:',
      '  replicas: 2',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: app',
      '        image: ghcr.io/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}',
      '        args: [\'--port\', "8080", plain]',
      '        command:',
      '          - --verbose',
      '          - a#b',
      '        env:',
      '          - name: SCRIPT',
      '            value: |',
      '              # {"$imagepolicy": "not-a-marker"}',
      '',
      '                indented',
      '            # a real comment',
      '        # {"$imagepolicy": "flux-system:app:tag"}',
      "        - 'it''s'",
      '---   # second',
      'kind: ConfigMap',
      'data:',
      '  version: 1.10',
      '  enabled: true',
      '  nothing: ~',
      '  hex: 0x1F',
      '  script: |-',
      '    echo',
      '',
    ].join('\n');
    expect(expectSameAsYaml(content)).toBe(false); // `- 'it''s'` under a map: invalid, left to yaml
    const valid = content.replace(
      "        - 'it''s'\n",
      "        tag: 'it''s'\n",
    );
    expect(expectSameAsYaml(valid)).toBe(true);
    expect(expectSameAsYaml(valid.replace(/\n/g, '\r\n'))).toBe(true);
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a folded block scalar', 'a: >\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['an escape', 'a: "\\t"\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    // Past 16 keys the scanner looks keys up in a Set, not in the pairs.
    [
      'a duplicate key in a long mapping',
      `${Array.from({ length: 40 }, (_, i) => `k${i}: ${i}\n`).join(
        '',
      )}k3: 3\n`,
    ],
    [
      'a duplicate key right where a long mapping switches to a Set',
      `${Array.from({ length: 16 }, (_, i) => `k${i}: ${i}\n`).join(
        '',
      )}k15: 3\n`,
    ],
    ['a duplicate key in a flow mapping', 'a: {b: 1, c: 2, b: 3}\n'],
    ['a nested duplicate key', 'a:\n  b: 1\n  c:\n    d: 1\n  b: 2\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['an empty document', 'a: 1\n---\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a tab', 'a:\t1\n'],
    ['a BOM', '\uFEFFa: 1\n'],
    ['a quoted key', '"a": 1\n'],
    ['a nested flow collection', 'a: [b, [c]]\n'],
    ['a root scalar', 'just text\n'],
    ['a bad indentation', 'a:\n    b: 1\n  c: 2\n'],
  ])('leaves %s to the yaml package', (_, content) => {
    expect(scanPlainManifest(content)).toBeUndefined();
  });

  it.each([1, 15, 16, 17, 40])(
    'reads a mapping of %i distinct keys as yaml does',
    count => {
      const content = Array.from(
        { length: count },
        (_, i) => `k${i}: ${i}\n`,
      ).join('');
      expect(expectSameAsYaml(content)).toBe(true);
      expect(
        expectSameAsYaml(`a: {${content.trim().split('\n').join(', ')}}\n`),
      ).toBe(true);
    },
  );

  it('agrees with yaml on every fixture it reads', () => {
    const fixtures = join(__dirname, '__fixtures__');
    let answered = 0;
    for (const entry of readdirSync(fixtures, {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
      if (
        expectSameAsYaml(
          readFileSync(join(entry.parentPath, entry.name), 'utf8'),
        )
      )
        answered++;
    }
    expect(answered).toBeGreaterThan(10);
  });

  // Pieces that stay inside the scanner's subset, sit on its border, or are
  // outside it; the generated files are valid or not in every proportion.
  // Mostly pieces the scanner reads, so that it answers often enough for the
  // comparison to mean something; the rest push it to its borders.
  const keyArb = fc.oneof(
    {
      weight: 60,
      arbitrary: fc.constantFrom(
        'a',
        'name',
        'image',
        'app.kubernetes.io/name',
        'x-y_z',
        'b',
        'c',
        'tag',
        'on',
        'y',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '1',
        'true',
        'null',
        '"q"',
        'a b',
        '-k',
        '$k',
        '0x1',
        'a'.repeat(1100),
      ),
    },
  );
  const scalarArb = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9.:/@_#-]{0,10}$/),
    },
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        '2',
        '1.10',
        'true',
        "'single'",
        '"double"',
        '[a, b]',
        '{k: v}',
        '--port',
      ),
    },
    fc.constantFrom(
      '2',
      '-3',
      '+4',
      '1.10',
      '0x1F',
      '0o17',
      '1e3',
      '.inf',
      '-.Inf',
      '.nan',
      'true',
      'False',
      'TRUE',
      'yes',
      'null',
      'Null',
      '~',
      '--port',
      '-x',
      '-',
      '---',
      '...',
      'a#b',
      'a #b',
      'x]',
      'x}',
      'a: b',
      'x:',
      'a:b',
      '@x',
      '%x',
      '*x',
      '&x y',
      '!x',
      '? x',
      ': x',
      '|',
      '|-',
      '>',
      '`x',
      "'it''s'",
      "''",
      '""',
      '"d\\"q"',
      '"tab\\t"',
      '"plain dq"',
      "'single'",
      "'open",
      '"open',
      "'a' b",
      'echo hello world',
      '[a, \'b\', "c"]',
      "{k: v, k2: 'w'}",
      '[]',
      '{}',
      '[ a , b ]',
      '[a, [b]]',
      '{a: }',
      '[a,]',
      '[a b, c]',
      '{a: 1, a: 2}',
      '{a:1}',
      '[-x, --y]',
      '[- x]',
      '[a #c]',
      '{"k": v}',
      'a   ',
      'a # {"$imagepolicy": "p"}',
      '[a:b]',
      '{k: a:b}',
      '[http://x, "b,c"]',
      'a:b:c',
      'x # y # z',
      "'a # b'",
      '"a # b"',
      '[a]#c',
      "'a'#c",
      '{k: v}x',
    ),
  );
  const commentArb = fc.constantFrom(
    '',
    '',
    '',
    ' # c',
    '   #  spaced  ',
    ' # {"$imagepolicy": "p"}',
    '#no-space',
  );
  const blockArb = fc.record({
    header: fc.oneof(
      {
        weight: 10,
        arbitrary: fc.constantFrom('|', '|-', '| # {"$imagepolicy": "p"}'),
      },
      fc.constantFrom('|+', '>', '|2', '|x'),
    ),
    lines: fc.array(
      fc.constantFrom(
        'text',
        'text',
        '# not a comment',
        '',
        '  ',
        '    ',
        '  more indented',
        'a: b',
        '---',
      ),
      {
        minLength: 0,
        maxLength: 4,
      },
    ),
  });

  type Tree =
    | { kind: 'scalar'; value: string; comment: string }
    | { kind: 'block'; header: string; lines: string[] }
    | { kind: 'map'; entries: Array<[string, Tree]>; comment: string }
    | { kind: 'seq'; items: Tree[]; sameIndent: boolean };
  const { root: rootArb } = fc.letrec<{ tree: Tree; root: Tree }>(tie => ({
    // Manifests are mappings at the root; other roots come up inside.
    root: fc.oneof(
      {
        weight: 20,
        arbitrary: fc.record({
          kind: fc.constant('map' as const),
          entries: fc.array(fc.tuple(keyArb, tie('tree')), {
            minLength: 1,
            maxLength: 5,
          }),
          comment: commentArb,
        }),
      },
      tie('tree'),
    ),
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('scalar' as const),
          value: scalarArb,
          comment: commentArb,
        }),
      },
      {
        weight: 1,
        arbitrary: blockArb.map(b => ({ kind: 'block' as const, ...b })),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('map' as const),
          entries: fc.array(fc.tuple(keyArb, tie('tree')), {
            minLength: 1,
            maxLength: 4,
          }),
          comment: commentArb,
        }),
      },
      fc.record({
        kind: fc.constant('seq' as const),
        items: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
        sameIndent: fc.boolean(),
      }),
    ),
  }));

  interface Layout {
    unit: string;
    eol: string;
    /** `- ` or with more spaces: a compact mapping's keys line up after it. */
    dash: string;
    /** Comment and blank lines sprinkled between entries, by position. */
    noise: string[];
  }

  /** Renders a tree as block YAML at `indent`, the way people write manifests (and some ways they should not). */
  function render(tree: Tree, layout: Layout): string {
    const out: string[] = [];
    let n = 0;
    const noise = (indent: string) => {
      const extra = layout.noise[n++ % layout.noise.length];
      if (extra === 'comment') out.push(`${indent}# between`);
      else if (extra === 'outdented comment') out.push('# outdented');
      else if (extra === 'blank') out.push('');
      else if (extra === 'spaces') out.push(`${indent}  `);
    };
    const inline = (t: Tree, indent: string): string | undefined => {
      if (t.kind === 'scalar') return `${t.value}${t.comment}`;
      if (t.kind === 'block') {
        for (const line of t.lines)
          out.push(
            line === '' || line.trim() === ''
              ? line
              : `${indent}${layout.unit}${line}`,
          );
        return undefined;
      }
      return undefined;
    };
    const walk = (t: Tree, indent: string) => {
      if (t.kind === 'map') {
        for (const [key, value] of t.entries) {
          noise(indent);
          if (value.kind === 'scalar')
            out.push(`${indent}${key}: ${value.value}${value.comment}`);
          else if (value.kind === 'block') {
            out.push(`${indent}${key}: ${value.header}`);
            inline(value, indent);
          } else if (value.kind === 'seq' && value.sameIndent) {
            out.push(`${indent}${key}:${t.comment}`);
            walk(value, indent);
          } else {
            out.push(`${indent}${key}:${t.comment}`);
            walk(value, indent + layout.unit);
          }
        }
      } else if (t.kind === 'seq') {
        for (const item of t.items) {
          noise(indent);
          const { dash } = layout;
          if (item.kind === 'scalar')
            out.push(`${indent}${dash}${item.value}${item.comment}`);
          else if (item.kind === 'block') {
            out.push(`${indent}${dash}${item.header}`);
            inline(item, indent);
          } else if (item.kind === 'map') {
            // A compact mapping: the first key on the dash's line.
            const start = out.length;
            walk(item, `${indent}${' '.repeat(dash.length)}`);
            out[start] = `${indent}${dash}${out[start].slice(
              indent.length + dash.length,
            )}`;
          } else {
            out.push(`${indent}-`);
            walk(item, indent + layout.unit);
          }
        }
      } else if (t.kind === 'scalar') {
        out.push(`${indent}${t.value}${t.comment}`);
      } else {
        out.push(`${indent}${t.header}`);
        inline(t, indent);
      }
    };
    walk(tree, '');
    return out.map(line => `${line}${layout.eol}`).join('');
  }

  const layoutArb = fc.record({
    unit: fc.constantFrom('  ', '    ', ' ', '   '),
    eol: fc.constantFrom('\n', '\r\n'),
    dash: fc.constantFrom('- ', '- ', '-   '),
    noise: fc.array(
      fc.constantFrom(
        'none',
        'none',
        'none',
        'none',
        'none',
        'comment',
        'outdented comment',
        'blank',
        'spaces',
      ),
      {
        minLength: 1,
        maxLength: 5,
      },
    ),
  });
  const separatorArb = fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom('---', '--- # doc') },
    fc.constantFrom('...', '---x', '--- a'),
  );

  it('agrees with yaml on generated manifests, valid or not', () => {
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(rootArb, { minLength: 1, maxLength: 3 }),
        layoutArb,
        separatorArb,
        fc.constantFrom('', '# prelude\n', '---\n', '\n# prelude\n---\n'),
        fc.boolean(),
        (trees, layout, separator, prelude, finalEol) => {
          let content =
            prelude +
            trees.map(t => render(t, layout)).join(`${separator}${layout.eol}`);
          if (!finalEol) content = content.replace(/\r?\n$/, '');
          runs++;
          if (expectSameAsYaml(content)) answered++;
        },
      ),
      { numRuns: 2000 },
    );
    // The comparison means something only if the scanner answers often.
    expect(answered / runs).toBeGreaterThan(0.03);
  });

  it('agrees with yaml on lines thrown together at random indentations', () => {
    const lineArb = fc.tuple(
      fc.constantFrom('', ' ', '  ', '   ', '    ', '      '),
      fc.oneof(
        fc.tuple(keyArb, scalarArb).map(([k, v]) => `${k}: ${v}`),
        keyArb.map(k => `${k}:`),
        scalarArb.map(v => `- ${v}`),
        fc.tuple(keyArb, scalarArb).map(([k, v]) => `- ${k}: ${v}`),
        keyArb.map(k => `- ${k}:`),
        fc.constantFrom(
          '# comment',
          '---',
          '- |',
          'k: |',
          'k: |-',
          'text',
          '',
          '-',
        ),
      ),
    );
    let answered = 0;
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 12 }), lines => {
        if (
          expectSameAsYaml(
            lines.map(([indent, text]) => `${indent}${text}\n`).join(''),
          )
        )
          answered++;
      }),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(50);
  });
});
