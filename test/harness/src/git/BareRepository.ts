import { GitCommandError, runGit } from './runGit';

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';
export type TreeEntryType = 'blob' | 'tree' | 'commit';

/** One line of a tree: what `git ls-tree -l` prints. */
export interface GitTreeEntry {
  mode: string;
  type: TreeEntryType;
  sha: string;
  /** The entry's name, or its full path in recursive listings. */
  path: string;
  /** Blob size in bytes; absent for trees and submodules. */
  size?: number;
}

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601 in UTC, the shape GitHub returns. */
  date: string;
}

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

export interface NewCommit {
  tree: string;
  parents: readonly string[];
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
}

/** A file changed between two trees, as `git diff-tree` and `--numstat` see it. */
export interface GitFileChange {
  path: string;
  status: 'added' | 'removed' | 'modified' | 'changed';
  oldSha: string;
  newSha: string;
  additions: number;
  deletions: number;
  /** The hunks only (from the first `@@`), as GitHub's `patch` field; absent for binary files. */
  patch?: string;
}

const ZERO_SHA = '0000000000000000000000000000000000000000';
const FULL_SHA = /^[0-9a-f]{40}$/;
/** Names we hand to rev-parse: refs, branch names and (abbreviated) object ids, nothing git could read as an option or a revision expression. */
const SAFE_REVISION = /^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+$/;

export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export const isFullSha = (value: unknown): value is string =>
  typeof value === 'string' && FULL_SHA.test(value);

const toGitDate = (iso: string): string => {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) {
    throw new Error(`not an ISO 8601 date: ${iso}`);
  }
  return `${Math.floor(millis / 1000)} +0000`;
};

const parseIdentity = (line: string): GitIdentity => {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!match) {
    throw new Error(`unparseable git identity: ${line}`);
  }
  const date = new Date(Number(match[3]) * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  return { name: match[1], email: match[2], date };
};

/** Blobs kept in memory per repository: small manifests, a bounded total. */
const MAX_CACHED_BLOB_BYTES = 256 * 1024;
const BLOB_CACHE_BYTES = 32 * 1024 * 1024;
const MAX_CACHED_TYPES = 100_000;

/** Trees and commits kept in memory per repository (they are immutable by id). */
const MAX_CACHED_OBJECTS = 20_000;

function remember<T>(cache: Map<string, T>, sha: string, value: T) {
  if (cache.size >= MAX_CACHED_OBJECTS) {
    cache.delete(cache.keys().next().value!);
  }
  cache.set(sha, value);
}

/** One move of an atomic multi-ref update: `newSha` undefined deletes; `expected` null means "must not exist". */
export interface RefTransactionStep {
  ref: string;
  newSha: string | undefined;
  /** The sha the ref must be at; null: must not exist; undefined: not checked. */
  expected: string | null | undefined;
}

/**
 * A bare repository driven only with git plumbing, so that what the emulator stores is exactly
 * what real git shows to tests.
 *
 * Objects are immutable by id, so what git once answered about one (its type, a small blob's
 * bytes) is kept in memory: reading 5,000 manifests then costs no `git` process per request,
 * which is what made the emulator, not the client, the bottleneck of the cycle benchmark.
 */
export class BareRepository {
  private readonly objectTypes = new Map<string, GitObjectType>();
  private readonly blobs = new Map<string, Buffer>();
  private cachedBlobBytes = 0;
  private readonly trees = new Map<string, GitTreeEntry[]>();
  private readonly commits = new Map<string, GitCommit>();

  private constructor(readonly gitDir: string) {}

  static async init(
    gitDir: string,
    defaultBranch: string,
  ): Promise<BareRepository> {
    await runGit(undefined, [
      'init',
      '--quiet',
      '--bare',
      `--initial-branch=${defaultBranch}`,
      gitDir,
    ]);
    return new BareRepository(gitDir);
  }

  private git(args: readonly string[], options?: Parameters<typeof runGit>[2]) {
    return runGit(this.gitDir, args, options);
  }

  async objectType(sha: string): Promise<GitObjectType | undefined> {
    if (!isFullSha(sha)) {
      return undefined;
    }
    const known = this.objectTypes.get(sha);
    if (known) {
      return known;
    }
    const { stdout, exitCode } = await this.git(['cat-file', '-t', sha], {
      acceptExitCodes: [1, 128],
    });
    if (exitCode !== 0) {
      // Not cached: the object may be written later.
      return undefined;
    }
    const type = stdout.toString().trim() as GitObjectType;
    this.rememberType(sha, type);
    return type;
  }

  async writeBlob(content: Buffer): Promise<string> {
    const { stdout } = await this.git(['hash-object', '-w', '--stdin'], {
      input: content,
    });
    const sha = stdout.toString().trim();
    this.rememberType(sha, 'blob');
    this.rememberBlob(sha, content);
    return sha;
  }

  async readBlob(sha: string): Promise<Buffer> {
    const cached = this.blobs.get(sha);
    if (cached) {
      // A copy: callers own what they get, the cache must not change under them.
      return Buffer.from(cached);
    }
    const content = (await this.git(['cat-file', 'blob', sha])).stdout;
    this.rememberType(sha, 'blob');
    this.rememberBlob(sha, content);
    return content;
  }

  private rememberType(sha: string, type: GitObjectType) {
    if (this.objectTypes.size >= MAX_CACHED_TYPES) {
      this.objectTypes.delete(this.objectTypes.keys().next().value!);
    }
    this.objectTypes.set(sha, type);
  }

  private rememberBlob(sha: string, content: Buffer) {
    if (content.length > MAX_CACHED_BLOB_BYTES || this.blobs.has(sha)) {
      return;
    }
    while (this.cachedBlobBytes + content.length > BLOB_CACHE_BYTES) {
      const [oldest, bytes] = this.blobs.entries().next().value!;
      this.blobs.delete(oldest);
      this.cachedBlobBytes -= bytes.length;
    }
    this.blobs.set(sha, Buffer.from(content));
    this.cachedBlobBytes += content.length;
  }

  /** The entries directly inside a tree. */
  async readTree(treeSha: string): Promise<GitTreeEntry[]> {
    // Only full ids are immutable; `main^{tree}` and the like are not cached.
    const cached = isFullSha(treeSha) ? this.trees.get(treeSha) : undefined;
    if (cached) {
      return cached.map(entry => ({ ...entry }));
    }
    const entries = await this.listTree(['ls-tree', '-z', '-l', treeSha]);
    if (isFullSha(treeSha)) {
      remember(this.trees, treeSha, entries);
    }
    return entries.map(entry => ({ ...entry }));
  }

  /** Every entry below a tree, subtrees included, with full paths. */
  async readTreeRecursive(treeSha: string): Promise<GitTreeEntry[]> {
    return this.listTree(['ls-tree', '-z', '-l', '-r', '-t', treeSha]);
  }

  private async listTree(args: string[]): Promise<GitTreeEntry[]> {
    const { stdout } = await this.git(args);
    return stdout
      .toString()
      .split('\0')
      .filter(Boolean)
      .map(record => {
        const tab = record.indexOf('\t');
        const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
        return {
          mode,
          type: type as TreeEntryType,
          sha,
          path: record.slice(tab + 1),
          ...(size !== '-' ? { size: Number(size) } : {}),
        };
      });
  }

  /** The entry at a slash-separated path below a tree (empty path: the tree itself), if any. */
  async findEntry(
    treeSha: string,
    path: string,
  ): Promise<GitTreeEntry | undefined> {
    let entry: GitTreeEntry = {
      mode: '040000',
      type: 'tree',
      sha: treeSha,
      path: '',
    };
    for (const name of path.split('/').filter(Boolean)) {
      if (entry.type !== 'tree') {
        return undefined;
      }
      const next = (await this.readTree(entry.sha)).find(e => e.path === name);
      if (!next) {
        return undefined;
      }
      entry = next;
    }
    return entry;
  }

  async writeTree(
    entries: ReadonlyArray<Omit<GitTreeEntry, 'size'>>,
  ): Promise<string> {
    const input = entries
      .map(e => `${e.mode} ${e.type} ${e.sha}\t${e.path}\0`)
      .join('');
    const { stdout } = await this.git(['mktree', '-z'], { input });
    const sha = stdout.toString().trim();
    this.rememberType(sha, 'tree');
    return sha;
  }

  async readCommit(sha: string): Promise<GitCommit> {
    const cached = isFullSha(sha) ? this.commits.get(sha) : undefined;
    if (cached) {
      return { ...cached, parents: [...cached.parents] };
    }
    const commit = await this.parseCommit(sha);
    if (isFullSha(sha)) {
      remember(this.commits, sha, commit);
    }
    return { ...commit, parents: [...commit.parents] };
  }

  private async parseCommit(sha: string): Promise<GitCommit> {
    const raw = (await this.git(['cat-file', 'commit', sha])).stdout.toString();
    const split = raw.indexOf('\n\n');
    const headerLines = (split === -1 ? raw : raw.slice(0, split)).split('\n');
    const commit: GitCommit = {
      sha,
      tree: '',
      parents: [],
      author: { name: '', email: '', date: '' },
      committer: { name: '', email: '', date: '' },
      message: split === -1 ? '' : raw.slice(split + 2),
    };
    for (const line of headerLines) {
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === 'tree') commit.tree = value;
      else if (key === 'parent') commit.parents.push(value);
      else if (key === 'author') commit.author = parseIdentity(value);
      else if (key === 'committer') commit.committer = parseIdentity(value);
    }
    return commit;
  }

  async writeCommit(commit: NewCommit): Promise<string> {
    const { stdout } = await this.git(
      ['commit-tree', commit.tree, ...commit.parents.flatMap(p => ['-p', p])],
      {
        input: commit.message,
        env: {
          GIT_AUTHOR_NAME: commit.author.name,
          GIT_AUTHOR_EMAIL: commit.author.email,
          GIT_AUTHOR_DATE: toGitDate(commit.author.date),
          GIT_COMMITTER_NAME: commit.committer.name,
          GIT_COMMITTER_EMAIL: commit.committer.email,
          GIT_COMMITTER_DATE: toGitDate(commit.committer.date),
        },
      },
    );
    return stdout.toString().trim();
  }

  /** The commit a full ref name points at, or undefined when the ref does not exist. */
  async readRef(fullRef: string): Promise<string | undefined> {
    // show-ref --verify takes the name literally: no revision syntax such as `main~1` or `main^{tree}`.
    if (!fullRef.startsWith('refs/') || fullRef.startsWith('-')) {
      return undefined;
    }
    const { stdout, exitCode } = await this.git(
      ['show-ref', '--verify', '--hash', fullRef],
      { acceptExitCodes: [1, 128] },
    );
    return exitCode === 0 ? stdout.toString().trim() : undefined;
  }

  /** All refs with the object each points at, sorted by name. */
  async listRefs(): Promise<Array<{ ref: string; sha: string }>> {
    const { stdout } = await this.git([
      'for-each-ref',
      '--format=%(refname) %(objectname)',
    ]);
    return stdout
      .toString()
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [ref, sha] = line.split(' ');
        return { ref, sha };
      });
  }

  /**
   * Moves a ref only if it still points where the caller last saw it (`expected` undefined means
   * "must not exist yet"). Returns false when someone else moved it first.
   */
  async compareAndSwapRef(
    fullRef: string,
    newSha: string,
    expected: string | undefined,
  ): Promise<boolean> {
    try {
      await this.git(['update-ref', fullRef, newSha, expected ?? ZERO_SHA]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError) {
        const current = await this.readRef(fullRef);
        if (current !== expected) {
          return false;
        }
      }
      throw error;
    }
  }

  async deleteRef(fullRef: string, expected: string): Promise<boolean> {
    try {
      await this.git(['update-ref', '-d', fullRef, expected]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError) {
        if ((await this.readRef(fullRef)) !== expected) {
          return false;
        }
      }
      throw error;
    }
  }

  /**
   * Applies every step or none (`git update-ref --stdin` is one transaction): returns false when
   * some ref was not where its step expected it, and then nothing moved.
   */
  async updateRefsAtomically(
    steps: readonly RefTransactionStep[],
  ): Promise<boolean> {
    const line = (step: RefTransactionStep) => {
      const expected = step.expected === null ? ZERO_SHA : step.expected ?? '';
      return step.newSha === undefined
        ? `delete ${step.ref} ${expected}`.trimEnd()
        : `update ${step.ref} ${step.newSha} ${expected}`.trimEnd();
    };
    const { exitCode } = await this.git(['update-ref', '--stdin'], {
      input: `${steps.map(line).join('\n')}\n`,
      acceptExitCodes: [128],
    });
    return exitCode === 0;
  }

  /**
   * Resolves what GitHub accepts as a `ref` or `sha` parameter (branch, tag, full ref, full or
   * abbreviated commit id) to a commit id; undefined when nothing matches.
   */
  async resolveCommit(name: string): Promise<string | undefined> {
    if (!SAFE_REVISION.test(name)) {
      return undefined;
    }
    const { stdout, exitCode } = await this.git(
      [
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${name}^{commit}`,
      ],
      { acceptExitCodes: [1, 128] },
    );
    return exitCode === 0 ? stdout.toString().trim() : undefined;
  }

  /** Resolves a tree id, or a commit/ref whose tree is meant, to a tree id. */
  async resolveTree(name: string): Promise<string | undefined> {
    if (!SAFE_REVISION.test(name)) {
      return undefined;
    }
    const { stdout, exitCode } = await this.git(
      [
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${name}^{tree}`,
      ],
      { acceptExitCodes: [1, 128] },
    );
    return exitCode === 0 ? stdout.toString().trim() : undefined;
  }

  /** What the repository occupies on disk, in KiB, as `git count-objects` counts it. */
  async diskUsageKb(): Promise<number> {
    const { stdout } = await this.git(['count-objects', '-v']);
    let kb = 0;
    for (const line of stdout.toString().split('\n')) {
      const [key, value] = line.split(': ');
      if (key === 'size' || key === 'size-pack') kb += Number(value) || 0;
    }
    return kb;
  }

  /** The commit's files as a gzipped tar under `prefix/`, as `git archive` writes it. */
  async archive(commitSha: string, prefix: string): Promise<Buffer> {
    const { stdout } = await this.git([
      'archive',
      '--format=tar.gz',
      `--prefix=${prefix}/`,
      commitSha,
    ]);
    return stdout;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { exitCode } = await this.git(
      ['merge-base', '--is-ancestor', ancestor, descendant],
      { acceptExitCodes: [1] },
    );
    return exitCode === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const { stdout, exitCode } = await this.git(['merge-base', a, b], {
      acceptExitCodes: [1],
    });
    return exitCode === 0 ? stdout.toString().trim() : undefined;
  }

  /**
   * Commits reachable from `head` but not from `exclude`, newest first (git's default order), optionally
   * only those touching `path`.
   */
  async revList(
    head: string,
    options: { exclude?: string; path?: string; firstParent?: boolean } = {},
  ): Promise<string[]> {
    const args = ['rev-list'];
    if (options.firstParent) args.push('--first-parent');
    args.push(head);
    if (options.exclude) args.push(`^${options.exclude}`);
    if (options.path) args.push('--', options.path);
    const { stdout } = await this.git(args);
    return stdout.toString().split('\n').filter(Boolean);
  }

  /**
   * Three-way merges two commits' trees without a work tree. Returns the merged tree, or undefined
   * when the merge has conflicts.
   */
  async mergeTrees(ours: string, theirs: string): Promise<string | undefined> {
    const { stdout, exitCode } = await this.git(
      ['merge-tree', '--write-tree', '--no-messages', ours, theirs],
      { acceptExitCodes: [1] },
    );
    return exitCode === 0 ? stdout.toString().split('\n')[0].trim() : undefined;
  }

  /** Files that differ between two commits, with line counts and GitHub-style patches. */
  async diffFiles(from: string, to: string): Promise<GitFileChange[]> {
    const raw = (
      await this.git(['diff-tree', '-r', '-z', '--no-renames', from, to])
    ).stdout
      .toString()
      .split('\0');
    const changes: GitFileChange[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (!raw[i].startsWith(':')) break;
      const [, , oldSha, newSha, letter] = raw[i].slice(1).split(' ');
      const statusByLetter: Record<string, GitFileChange['status']> = {
        A: 'added',
        D: 'removed',
        M: 'modified',
      };
      changes.push({
        path: raw[i + 1],
        status: statusByLetter[letter] ?? 'changed',
        oldSha,
        newSha,
        additions: 0,
        deletions: 0,
      });
    }
    const numstat = (
      await this.git(['diff', '--numstat', '-z', '--no-renames', from, to])
    ).stdout
      .toString()
      .split('\0')
      .filter(Boolean);
    const byPath = new Map(changes.map(c => [c.path, c]));
    for (const record of numstat) {
      const [added, deleted, path] = record.split('\t');
      const change = byPath.get(path);
      if (change && added !== '-') {
        change.additions = Number(added);
        change.deletions = Number(deleted);
      }
    }
    for (const change of changes) {
      const patch = (
        await this.git(['diff', '--no-renames', from, to, '--', change.path])
      ).stdout.toString();
      const hunks = patch.indexOf('\n@@');
      if (hunks !== -1) {
        change.patch = patch.slice(hunks + 1).replace(/\n$/, '');
      }
    }
    return changes;
  }

  /** The unified diff between two commits, as `application/vnd.github.diff` returns it. */
  async unifiedDiff(from: string, to: string): Promise<string> {
    return (
      await this.git(['diff', '--no-renames', from, to])
    ).stdout.toString();
  }
}
