import { MAX_MANIFEST_BYTES } from '@image-automation/plugin-image-automation-node';
import { GitError, toGitError } from './GitError';
import { GithubClients, GithubRepository } from './GithubClients';

/** A file at the base branch head. */
export interface GitFile {
  path: string;
  content: string;
  /** Git blob sha: equal content, equal sha, so parses can be cached by it. */
  blobSha: string;
}

/** A file of a Git tree. */
export interface TreeEntry {
  sha: string;
  size: number;
  /** `100644`, or `100755` for executables: kept when a file is rewritten. */
  mode: string;
}

/** One repository at the head of a branch: the commit and its file listing. */
export interface BranchHead {
  repository: GithubRepository;
  branch: string;
  /** The commit the files are read at (the write-back's parent). */
  headSha: string;
  /** The root tree of that commit. */
  treeSha: string;
  /** Path → blob sha, size and file mode, for every file of the tree. */
  entries: Map<string, TreeEntry>;
}

/** Some files of a branch head. */
export interface GitSnapshot extends BranchHead {
  files: Map<string, GitFile>;
  /** Requested paths that do not exist at that commit. */
  missing: string[];
}

/** Blob contents kept in memory, by sha; content-addressed, so never stale. */
const BLOB_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Reads manifest files at the head of a branch through the GitHub API, without
 * a clone: ref → commit → recursive tree → only the blobs not already cached.
 */
export class GitManifestReader {
  private readonly blobs = new Map<string, string>();
  private blobBytes = 0;

  constructor(private readonly clients: GithubClients) {}

  /** Reads `paths` at the head of `baseBranch` (default: the repository's default branch). */
  async read(
    repositoryUrl: string,
    paths: string[],
    baseBranch?: string,
  ): Promise<GitSnapshot> {
    return this.readFiles(
      await this.openBranch(repositoryUrl, baseBranch),
      paths,
    );
  }

  /** Resolves a branch head and lists its files: three requests, no blobs. */
  async openBranch(
    repositoryUrl: string,
    baseBranch?: string,
  ): Promise<BranchHead> {
    const repository = await this.clients.forRepository(repositoryUrl);
    const { octokit, owner, repo, fullName } = repository;
    const branch = baseBranch ?? (await this.defaultBranch(repository));
    let headSha: string;
    try {
      const ref = await octokit.git.getRef({
        owner,
        repo,
        ref: `heads/${branch}`,
      });
      headSha = ref.data.object.sha;
    } catch (error) {
      throw toGitError(error, fullName, `find branch ${branch}`);
    }
    const treeSha = await this.commitTree(repository, headSha);
    const entries = await this.blobShas(repository, treeSha, branch);
    return { repository, branch, headSha, treeSha, entries };
  }

  /**
   * Reads files of a branch head, in parallel; blobs already seen come from
   * memory. Every path is checked before any download starts.
   */
  async readFiles(head: BranchHead, paths: string[]): Promise<GitSnapshot> {
    const { repository, branch, entries } = head;
    const wanted: Array<{ path: string; sha: string }> = [];
    const missing: string[] = [];
    for (const path of paths) {
      const entry = entries.get(path);
      if (!entry) {
        missing.push(path);
        continue;
      }
      if (entry.mode === '120000') {
        // A link's target may lie outside the repository: never followed.
        throw new GitError(
          'git-bad-repository',
          `${path} in ${repository.fullName}@${branch} is a symbolic link; list the file it points to instead`,
        );
      }
      if (entry.size > MAX_MANIFEST_BYTES) {
        // Refused before download: a 50 MiB file must not reach memory.
        throw new GitError(
          'git-bad-repository',
          `${path} in ${repository.fullName}@${branch} is ${entry.size} bytes; manifests over ${MAX_MANIFEST_BYTES} bytes are refused`,
        );
      }
      wanted.push({ path, sha: entry.sha });
    }
    const contents = await Promise.all(
      wanted.map(({ path, sha }) => this.blob(repository, sha, path)),
    );
    const files = new Map<string, GitFile>(
      wanted.map(({ path, sha }, i) => [
        path,
        { path, blobSha: sha, content: contents[i] },
      ]),
    );
    return { ...head, files, missing };
  }

  async defaultBranch({
    octokit,
    owner,
    repo,
    fullName,
  }: GithubRepository): Promise<string> {
    try {
      return (await octokit.repos.get({ owner, repo })).data.default_branch;
    } catch (error) {
      throw toGitError(error, fullName, 'read the repository');
    }
  }

  private async commitTree(
    { octokit, owner, repo, fullName }: GithubRepository,
    sha: string,
  ) {
    try {
      return (await octokit.git.getCommit({ owner, repo, commit_sha: sha }))
        .data.tree.sha;
    } catch (error) {
      throw toGitError(error, fullName, `read commit ${sha}`);
    }
  }

  private async blobShas(
    { octokit, owner, repo, fullName }: GithubRepository,
    treeSha: string,
    branch: string,
  ): Promise<Map<string, TreeEntry>> {
    try {
      const tree = await octokit.git.getTree({
        owner,
        repo,
        tree_sha: treeSha,
        recursive: 'true',
      });
      if (tree.data.truncated) {
        throw new GitError(
          'git-bad-repository',
          `the tree of ${fullName}@${branch} is too large for one GitHub API listing`,
        );
      }
      return new Map(
        tree.data.tree
          .filter(entry => entry.type === 'blob' && entry.path && entry.sha)
          .map(entry => [
            entry.path!,
            {
              sha: entry.sha!,
              size: entry.size ?? 0,
              mode: entry.mode ?? '100644',
            },
          ]),
      );
    } catch (error) {
      throw toGitError(error, fullName, `list the files of ${branch}`);
    }
  }

  private async blob(
    { octokit, owner, repo, fullName }: GithubRepository,
    sha: string,
    path: string,
  ) {
    const cached = this.blobs.get(sha);
    if (cached !== undefined) return cached;
    let content: string;
    try {
      // The raw media type: the bytes themselves, not base64 inside JSON,
      // which a first cycle over thousands of manifests pays for in garbage.
      const blob = await octokit.git.getBlob({
        owner,
        repo,
        file_sha: sha,
        mediaType: { format: 'raw' },
      });
      content = rawText(blob.data as unknown);
    } catch (error) {
      throw toGitError(error, fullName, `read ${path}`);
    }
    // A byte budget, not a count: a fleet of many small manifests must stay
    // cached, or every cycle fetches them again against the rate limit.
    this.blobs.set(sha, content);
    this.blobBytes += content.length;
    while (this.blobBytes > BLOB_CACHE_BYTES && this.blobs.size > 1) {
      const [oldest, text] = this.blobs.entries().next().value!;
      this.blobs.delete(oldest);
      this.blobBytes -= text.length;
    }
    return content;
  }
}

/** Octokit hands raw bodies over as text or as bytes, by content type. */
function rawText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data)) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(
      'utf8',
    );
  }
  throw new GitError(
    'git-bad-repository',
    'GitHub answered a raw blob request with no content',
  );
}
