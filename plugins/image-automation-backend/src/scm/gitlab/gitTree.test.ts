import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitlabTreeEntry, treeObjectId } from './gitTree';

describe('treeObjectId', () => {
  let gitDir: string;
  const git = (args: string[], input?: string) =>
    execFileSync('git', [`--git-dir=${gitDir}`, ...args], {
      input,
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    })
      .toString()
      .trim();

  beforeAll(() => {
    gitDir = mkdtempSync(join(tmpdir(), 'tree-id-'));
    execFileSync('git', ['init', '--quiet', '--bare', gitDir]);
  });
  afterAll(() => rmSync(gitDir, { recursive: true, force: true }));

  it('is the empty tree for no entries', () => {
    expect(treeObjectId([])).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });

  it("equals git mktree for blobs, executables, links, subtrees and submodules in git's order", () => {
    const blob = git(['hash-object', '-w', '--stdin'], 'x\n');
    const sub = git(['mktree'], `100644 blob ${blob}\tinner.yaml\n`);
    const commit = '1234567890abcdef1234567890abcdef12345678';
    // `a.b` sorts before the tree `a` (compared as `a/`), but after a blob `a`.
    const entries: GitlabTreeEntry[] = [
      { id: sub, name: 'a', type: 'tree', path: 'a', mode: '040000' },
      { id: blob, name: 'a.b', type: 'blob', path: 'a.b', mode: '100755' },
      { id: blob, name: 'Z', type: 'blob', path: 'Z', mode: '120000' },
      {
        id: commit,
        name: 'vendor',
        type: 'commit',
        path: 'vendor',
        mode: '160000',
      },
      { id: blob, name: 'a-b', type: 'blob', path: 'a-b', mode: '100644' },
    ];
    const listing = entries
      .map(e => `${e.mode} ${e.type} ${e.id}\t${e.name}`)
      .join('\n');
    expect(treeObjectId(entries)).toBe(
      git(['mktree', '--missing'], `${listing}\n`),
    );
  });
});
