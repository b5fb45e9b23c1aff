/*
 * Fixture cases: each directory under __fixtures__ holds case.json (images
 * and optional targets), input/ (the files as found), and either expected/
 * (the files as they must be written, byte for byte) plus report.json (the
 * changes and warnings), or error.txt (the ManifestRewriteError message).
 *
 * UPDATE_FIXTURES=1 rewrites expected/, report.json and error.txt from the
 * current code; review the diff before committing.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ManifestRewriteError } from './ManifestRewriteError';
import { rewriteManifest } from './rewriteManifest';
import { ImageTarget } from './types';

const FIXTURES = join(__dirname, '__fixtures__');
const update = process.env.UPDATE_FIXTURES === '1';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

function runCase(dir: string) {
  const { images, targets } = JSON.parse(
    readFileSync(join(dir, 'case.json'), 'utf8'),
  ) as { images: Record<string, string>; targets?: ImageTarget[] };
  const outputs: Record<string, string> = {};
  const changes = [];
  const warnings = [];
  for (const file of listFiles(join(dir, 'input'))) {
    const content = readFileSync(join(dir, 'input', file), 'utf8');
    const result = rewriteManifest({ path: file, content }, images, { targets });
    outputs[file] = result.content;
    changes.push(...result.changes);
    warnings.push(...result.warnings);
  }
  return { outputs, report: { changes, warnings } };
}

function readExpected(dir: string) {
  if (existsSync(join(dir, 'error.txt'))) {
    return { error: readFileSync(join(dir, 'error.txt'), 'utf8'), isRewriteError: true };
  }
  const outputs: Record<string, string> = {};
  for (const file of listFiles(join(dir, 'expected'))) {
    outputs[file] = readFileSync(join(dir, 'expected', file), 'utf8');
  }
  return {
    outputs,
    report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')),
  };
}

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter(e => e.isDirectory())
  .map(e => e.name)
  .sort();

describe('rewriteManifest fixtures', () => {
  it('has fixture cases', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)('%s', name => {
    const dir = join(FIXTURES, name);
    let outcome: ReturnType<typeof runCase> | undefined;
    let error: unknown;
    try {
      outcome = runCase(dir);
    } catch (e) {
      error = e;
    }

    if (update) {
      rmSync(join(dir, 'expected'), { recursive: true, force: true });
      rmSync(join(dir, 'report.json'), { force: true });
      rmSync(join(dir, 'error.txt'), { force: true });
      if (outcome) {
        for (const [file, content] of Object.entries(outcome.outputs)) {
          mkdirSync(dirname(join(dir, 'expected', file)), { recursive: true });
          writeFileSync(join(dir, 'expected', file), content, 'utf8');
        }
        writeFileSync(join(dir, 'report.json'), `${JSON.stringify(outcome.report, null, 2)}\n`);
      } else {
        writeFileSync(join(dir, 'error.txt'), `${(error as Error).message}\n`);
      }
    }

    // Whole-file string equality: every byte but the set values must survive.
    const actual = outcome
      ? { outputs: outcome.outputs, report: outcome.report }
      : { error: `${(error as Error).message}\n`, isRewriteError: error instanceof ManifestRewriteError };
    expect(actual).toEqual(readExpected(dir));
  });
});
