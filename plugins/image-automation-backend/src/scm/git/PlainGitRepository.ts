import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from '../GitError';
import type {
  BranchHead,
  ChangeRequest,
  CommitInfo,
  FileChange,
  GitFile,
  GitRepository,
  GitSnapshot,
  RefMove,
  RepositoryIdentity,
  TreeEntry,
} from '../port';
import {
  manifestEntries,
  refuseOversizedManifest,
} from '../port/manifestEntries';
import { LocalClone } from './LocalClone';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** Who commits when the entity names no author. */
export const DEFAULT_COMMITTER = {
  name: 'Backstage Image Automation',
  email: 'image-automation@backstage.invalid',
};

export const NO_CHANGE_REQUESTS =
  'pull-request mode needs a host with an API (GitHub or GitLab integration); use push-branch for plain Git';

/**
 * A repository on a plain Git server, through the system `git`: reads from
 * the cached partial clone, commits built with plumbing (no work tree), and
 * every ref move a push with an explicit expected sha.
 */
export class PlainGitRepository implements GitRepository {
  readonly supportsChangeRequests = false;
  readonly changeRequestNoun = 'pull request';

  /**
   * This handle's one look at the server: the engine opens a repository once
   * per cycle, so a cycle costs one `ls-remote` (and a fetch only when a
   * branch moved) however many entities and reads share it. Our own pushes
   * keep the look exact; a refused push takes a new one.
   */
  private looked?: Promise<void>;

  constructor(
    readonly identity: RepositoryIdentity,
    private readonly clone: LocalClone,
  ) {}

  private async branches(): Promise<Map<string, string>> {
    this.looked ??= this.clone.refresh().catch(error => {
      this.looked = undefined;
      throw error;
    });
    await this.looked;
    return this.clone.branches();
  }

  async defaultBranch(): Promise<string> {
    const branches = await this.branches();
    const head = this.clone.headBranch();
    if (head && branches.has(head)) return head;
    for (const usual of ['main', 'master']) {
      if (branches.has(usual)) return usual;
    }
    throw new GitError(
      'git-not-found',
      `${this.identity.displayName} names no default branch and has no main or master: set image-automation/branch`,
    );
  }

  async branchSha(branch: string): Promise<string | undefined> {
    return (await this.branches()).get(branch);
  }

  async openBranch(branch: string): Promise<BranchHead | undefined> {
    const headSha = await this.branchSha(branch);
    if (!headSha) return undefined;
    const { treeSha } = await this.getCommit(headSha);
    return {
      repository: this.identity,
      branch,
      headSha,
      treeSha,
      entries: await this.listFiles(treeSha),
    };
  }

  async readFiles(head: BranchHead, paths: string[]): Promise<GitSnapshot> {
    const where = `${this.identity.displayName}@${head.branch}`;
    const listed = manifestEntries(head.entries, paths, where);
    const { missing } = listed;
    const wanted = listed.wanted.map(({ path, entry }) => ({
      path,
      sha: entry.sha,
    }));
    const oids = [...new Set(wanted.map(w => w.sha))];
    await this.clone.fetchObjects(await this.absent(head.treeSha, oids));
    // Sizes are checked on disk, before any content is read into memory:
    // Git's protocol tells no sizes before the download.
    const sizes = await this.objectSizes(oids);
    for (const { path, sha } of wanted) {
      const size = sizes.get(sha);
      if (size === undefined) {
        throw new GitError(
          'git-unreachable',
          `${this.identity.location.host} did not send ${path} of ${this.identity.displayName}@${head.branch}; the next cycle retries`,
        );
      }
      refuseOversizedManifest(path, where, size);
    }
    const contents = await this.blobContents(oids);
    const files = new Map<string, GitFile>(
      wanted.map(({ path, sha }) => [
        path,
        { path, blobSha: sha, content: contents.get(sha)! },
      ]),
    );
    return { ...head, files, missing };
  }

  async getCommit(sha: string): Promise<CommitInfo> {
    if (!FULL_SHA.test(sha)) {
      throw new GitError(
        'git-not-found',
        `${JSON.stringify(sha)} is not a commit id of ${
          this.identity.displayName
        }`,
      );
    }
    let text: string;
    try {
      text = (
        await this.clone.git(['cat-file', 'commit', sha])
      ).stdout.toString();
    } catch (error) {
      throw new GitError(
        'git-not-found',
        `${this.identity.displayName} has no commit ${sha}`,
        { cause: error },
      );
    }
    const split = text.indexOf('\n\n');
    const header = split < 0 ? text : text.slice(0, split);
    // Without the final newline git stores, as GitHub's API returns messages.
    const message = split < 0 ? '' : text.slice(split + 2).replace(/\n$/, '');
    let treeSha = '';
    const parents: string[] = [];
    for (const line of header.split('\n')) {
      if (line.startsWith('tree ')) treeSha = line.slice(5);
      else if (line.startsWith('parent ')) parents.push(line.slice(7));
    }
    return { sha, treeSha, parents, message };
  }

  async createCommit(input: {
    parent: BranchHead;
    message: string;
    author?: { name: string; email: string };
    changes: FileChange[];
  }): Promise<CommitInfo> {
    const { parent, message, changes } = input;
    const identity = input.author ?? DEFAULT_COMMITTER;
    const env = {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
    };
    const indexDir = await mkdtemp(join(tmpdir(), 'ia-git-index-'));
    const index = { GIT_INDEX_FILE: join(indexDir, 'index') };
    try {
      await this.clone.git(['read-tree', parent.treeSha], { env: index });
      for (const change of changes) {
        checkPath(change.path, this.identity.displayName);
        const blob = (
          await this.clone.git(
            ['hash-object', '-w', '--no-filters', '--stdin'],
            { input: change.content },
          )
        ).stdout
          .toString()
          .trim();
        await this.clone.git(
          [
            'update-index',
            '--add',
            '--cacheinfo',
            `${change.mode},${blob},${change.path}`,
          ],
          { env: index },
        );
      }
      // --missing-ok: the blobs nobody read are not here, and need not be.
      const tree = (
        await this.clone.git(['write-tree', '--missing-ok'], { env: index })
      ).stdout
        .toString()
        .trim();
      const sha = (
        await this.clone.git(
          ['commit-tree', tree, '-p', parent.headSha, '-F', '-'],
          { env, input: message },
        )
      ).stdout
        .toString()
        .trim();
      return await this.getCommit(sha);
    } finally {
      await rm(indexDir, { recursive: true, force: true });
    }
  }

  /**
   * A push with `--force-with-lease=refs/heads/B:<expected>`: the server
   * moves the branch only from exactly `expected` (empty: only if absent).
   * For the base the new commit sits on `expected`, so the push is a plain
   * fast-forward on the wire; the lease only pins the sha it must start from,
   * which a bare fast-forward push would not. The entity's own push branch
   * may be rebuilt on a new base: the lease still moves it only from the sha
   * we last wrote, never past a person's commit.
   */
  async moveBranch(
    branch: string,
    expectedSha: string | undefined,
    newSha: string,
  ): Promise<RefMove> {
    await this.checkBranchName(branch);
    if (
      !FULL_SHA.test(newSha) ||
      (expectedSha && !FULL_SHA.test(expectedSha))
    ) {
      throw new GitError(
        'git-bad-repository',
        `cannot move ${branch} of ${this.identity.displayName}: not a commit id`,
      );
    }
    if (expectedSha && branch === (await this.defaultBranch())) {
      // The base only ever moves forward: a move that would drop commits
      // from it is refused here, whatever the lease would allow.
      const { exitCode } = await this.clone.git(
        ['merge-base', '--is-ancestor', expectedSha, newSha],
        { acceptExitCodes: [1] },
      );
      if (exitCode !== 0) {
        throw new GitError(
          'git-conflict',
          `refusing to move ${branch} of ${
            this.identity.displayName
          } to ${newSha.slice(
            0,
            7,
          )}, which does not descend from ${expectedSha.slice(
            0,
            7,
          )}: the base branch only moves by fast-forward`,
        );
      }
    }
    const ref = `refs/heads/${branch}`;
    const { stdout } = await this.clone.push(
      [
        '--porcelain',
        '--no-verify',
        `--force-with-lease=${ref}:${expectedSha ?? ''}`,
        'origin',
        `${newSha}:${ref}`,
      ],
      `push branch ${branch} to`,
    );
    const line = stdout
      .toString()
      .split('\n')
      .find(l => l.includes(`\t${newSha}:${ref}\t`));
    const flag = line?.charAt(0);
    if (flag === ' ' || flag === '+' || flag === '*' || flag === '=') {
      await this.clone.recordBranch(branch, newSha);
      return { moved: true };
    }
    const summary = line?.split('\t')[2] ?? '';
    if (flag === '!' && /^\[remote rejected\]/.test(summary)) {
      const reason = summary.replace(/^\[remote rejected\]\s*/, '');
      throw new GitError(
        /protect/i.test(reason) ? 'git-protected-branch' : 'git-permission',
        `${this.identity.location.host} refused the push to ${branch} of ${
          this.identity.displayName
        } ${reason}: ${
          /protect/i.test(reason)
            ? 'the branch is protected; allow the deploy key to push, or use push-branch with another branch'
            : 'check the server hooks and the credentials write access'
        }`,
      );
    }
    // Rejected as stale (or not a fast-forward): someone moved the branch.
    this.looked = undefined;
    return { moved: false, actualSha: await this.branchSha(branch) };
  }

  async findChangeRequest(): Promise<ChangeRequest | undefined> {
    return undefined;
  }

  async openChangeRequest(): Promise<ChangeRequest> {
    throw new GitError('git-no-integration', NO_CHANGE_REQUESTS);
  }

  async updateChangeRequest(): Promise<void> {
    throw new GitError('git-no-integration', NO_CHANGE_REQUESTS);
  }

  async closeChangeRequest(): Promise<void> {
    throw new GitError('git-no-integration', NO_CHANGE_REQUESTS);
  }

  /** Every file of a tree; trees only, so no blob is fetched for the listing. */
  private async listFiles(treeSha: string): Promise<Map<string, TreeEntry>> {
    const { stdout } = await this.clone.git(['ls-tree', '-r', '-z', treeSha]);
    const entries = new Map<string, TreeEntry>();
    for (const record of stdout.toString().split('\0')) {
      const match = /^(\d{6}) (\w+) ([0-9a-f]{40})\t(.+)$/s.exec(record);
      if (!match || match[2] !== 'blob') continue;
      // The size is unknown until the blob is here; readFiles checks it then.
      entries.set(match[4], { mode: match[1], sha: match[3], size: 0 });
    }
    return entries;
  }

  /** Which of `oids` (blobs of `treeSha`) the partial clone lacks, without fetching any. */
  private async absent(treeSha: string, oids: string[]): Promise<string[]> {
    if (oids.length === 0) return [];
    const { stdout } = await this.clone.git([
      'rev-list',
      '--objects',
      '--missing=print',
      treeSha,
    ]);
    const lacking = new Set(
      stdout
        .toString()
        .split('\n')
        .filter(l => l.startsWith('?'))
        .map(l => l.slice(1).trim()),
    );
    return oids.filter(oid => lacking.has(oid));
  }

  private async objectSizes(oids: string[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    if (oids.length === 0) return sizes;
    const { stdout } = await this.clone.git(['cat-file', '--batch-check'], {
      input: `${oids.join('\n')}\n`,
    });
    for (const line of stdout.toString().split('\n')) {
      const [oid, type, size] = line.split(' ');
      if (type === 'blob') sizes.set(oid, Number(size));
    }
    return sizes;
  }

  private async blobContents(oids: string[]): Promise<Map<string, string>> {
    const contents = new Map<string, string>();
    if (oids.length === 0) return contents;
    const { stdout } = await this.clone.git(['cat-file', '--batch'], {
      input: `${oids.join('\n')}\n`,
    });
    let at = 0;
    while (at < stdout.length) {
      const end = stdout.indexOf(0x0a, at);
      const [oid, type, size] = stdout.subarray(at, end).toString().split(' ');
      if (end < 0 || type !== 'blob') break;
      const length = Number(size);
      contents.set(
        oid,
        stdout.subarray(end + 1, end + 1 + length).toString('utf8'),
      );
      at = end + 1 + length + 1;
    }
    return contents;
  }

  private async checkBranchName(branch: string): Promise<void> {
    const { exitCode } = await this.clone.git(
      ['check-ref-format', `refs/heads/${branch}`],
      { acceptExitCodes: [1] },
    );
    if (exitCode !== 0 || branch.startsWith('-')) {
      throw new GitError(
        'git-bad-repository',
        `${JSON.stringify(branch)} is not a valid branch name`,
      );
    }
  }
}

function checkPath(path: string, repository: string): void {
  const parts = path.split('/');
  if (
    !path ||
    path.startsWith('/') ||
    parts.some(p => p === '' || p === '.' || p === '..' || p === '.git')
  ) {
    throw new GitError(
      'git-bad-repository',
      `refusing to write ${JSON.stringify(
        path,
      )} in ${repository}: not a path inside the repository`,
    );
  }
}
