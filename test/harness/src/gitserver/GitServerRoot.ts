import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../git/runGit';

export interface CreateRepositoryOptions {
  /** Files of the first commit, path → content. */
  files?: Record<string, string>;
  /** The default branch. Default `main`. */
  branch?: string;
  /**
   * Whether the server honours `--filter` (`uploadpack.allowFilter`). Plain
   * Git servers leave it off by default and then send every blob. Default true.
   */
  allowFilter?: boolean;
}

/** A person's identity on commits made directly on the server. */
export interface CommitAuthor {
  name: string;
  email: string;
}

const PERSON: CommitAuthor = { name: 'Pat Person', email: 'pat@example.com' };

/** One commit as `git log` shows it on the server. */
export interface ServedCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  message: string;
}

/**
 * A bare repository served by the SSH and HTTP git servers, with plumbing
 * helpers to act as a person on the server side (commit, move a branch) and
 * to read what a client pushed.
 */
export class ServedRepository {
  constructor(
    /** The path in URLs: `team/app.git`. */
    readonly path: string,
    readonly gitDir: string,
  ) {}

  private git(args: string[], input?: string, env?: Record<string, string>) {
    return runGit(this.gitDir, args, { input, env });
  }

  /** The sha `branch` points at, or undefined when it does not exist. */
  async branchSha(branch: string): Promise<string | undefined> {
    const { stdout, exitCode } = await runGit(
      this.gitDir,
      ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
      { acceptExitCodes: [1] },
    );
    return exitCode === 0 ? stdout.toString().trim() : undefined;
  }

  /** A file's content at the head of `branch`. */
  async readFile(branch: string, path: string): Promise<string> {
    return (
      await this.git(['cat-file', 'blob', `refs/heads/${branch}:${path}`])
    ).stdout.toString();
  }

  /** Commits of `branch`, newest first. */
  async log(branch: string): Promise<ServedCommit[]> {
    const { stdout } = await this.git([
      'log',
      '-z',
      '--format=%H%x00%P%x00%an%x00%ae%x00%B',
      `refs/heads/${branch}`,
      '--',
    ]);
    const fields = stdout.toString().split('\0');
    const commits: ServedCommit[] = [];
    for (let i = 0; i + 4 < fields.length; i += 5) {
      commits.push({
        sha: fields[i].replace(/^\n/, ''),
        parents: fields[i + 1].split(' ').filter(Boolean),
        authorName: fields[i + 2],
        authorEmail: fields[i + 3],
        message: fields[i + 4],
      });
    }
    return commits;
  }

  /** Paths changed by commit `sha` against its first parent. */
  async changedPaths(sha: string): Promise<string[]> {
    const { stdout } = await this.git([
      'diff-tree',
      '--no-commit-id',
      '--name-only',
      '-r',
      '-z',
      `${sha}^`,
      sha,
    ]);
    return stdout.toString().split('\0').filter(Boolean);
  }

  /** The unified diff of commit `sha` against its first parent. */
  async diff(sha: string): Promise<string> {
    return (await this.git(['diff', `${sha}^`, sha])).stdout.toString();
  }

  /**
   * A person's commit on `branch` (created when absent, from `from` or the
   * default branch): `files` maps paths to new content, or null to delete.
   */
  async commit(
    branch: string,
    files: Record<string, string | null>,
    message = 'A person changes files',
    author: CommitAuthor = PERSON,
  ): Promise<string> {
    const parent = await this.branchSha(branch);
    const index = join(
      mkdtempSync(join(tmpdir(), 'ia-gitserver-index-')),
      'index',
    );
    const env = {
      GIT_INDEX_FILE: index,
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
    };
    try {
      if (parent) await this.git(['read-tree', parent], undefined, env);
      for (const [path, content] of Object.entries(files)) {
        if (content === null) {
          await this.git(
            ['update-index', '--force-remove', '--', path],
            undefined,
            env,
          );
          continue;
        }
        const blob = (
          await this.git(['hash-object', '-w', '--stdin'], content)
        ).stdout
          .toString()
          .trim();
        await this.git(
          ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`],
          undefined,
          env,
        );
      }
      const tree = (await this.git(['write-tree'], undefined, env)).stdout
        .toString()
        .trim();
      const sha = (
        await this.git(
          ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'],
          message,
          env,
        )
      ).stdout
        .toString()
        .trim();
      await this.git([
        'update-ref',
        `refs/heads/${branch}`,
        sha,
        parent ?? '0000000000000000000000000000000000000000',
      ]);
      return sha;
    } finally {
      rmSync(join(index, '..'), { recursive: true, force: true });
    }
  }

  /** Points `branch` at `sha` as a person's force push would. */
  async resetBranch(branch: string, sha: string): Promise<void> {
    await this.git(['update-ref', `refs/heads/${branch}`, sha]);
  }

  /** Turns the server's filter support on or off. */
  async setAllowFilter(allow: boolean): Promise<void> {
    await this.git(['config', 'uploadpack.allowFilter', String(allow)]);
  }
}

/**
 * A directory of bare repositories that the SSH and HTTP servers serve; URL
 * paths are relative to it (`team/app.git`). One root may be served by both.
 */
export class GitServerRoot {
  private constructor(readonly dir: string) {}

  static create(): GitServerRoot {
    return new GitServerRoot(mkdtempSync(join(tmpdir(), 'ia-gitserver-root-')));
  }

  /** Creates `path` (e.g. `team/app.git`) with one commit of `files`. */
  async createRepository(
    path: string,
    options: CreateRepositoryOptions = {},
  ): Promise<ServedRepository> {
    const clean = path.replace(/^\/+/, '');
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\.git$/.test(clean)) {
      throw new Error(`not a repository path ending in .git: ${path}`);
    }
    const gitDir = join(this.dir, clean);
    const branch = options.branch ?? 'main';
    await runGit(undefined, [
      'init',
      '--quiet',
      '--bare',
      `--initial-branch=${branch}`,
      gitDir,
    ]);
    const repository = new ServedRepository(clean, gitDir);
    await repository.setAllowFilter(options.allowFilter ?? true);
    await runGit(gitDir, ['config', 'http.receivepack', 'true']);
    if (options.files) {
      await repository.commit(branch, options.files, 'Initial commit');
    }
    return repository;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
