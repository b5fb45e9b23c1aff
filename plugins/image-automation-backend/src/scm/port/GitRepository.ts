/*
 * The host-neutral port of the write-back and the manifest reader. Adapters
 * (`scm/github/`, `scm/gitlab/`, `scm/git/`) implement it and nothing else
 * sees a host's client types: the coordinator decides, an adapter only talks
 * to its host. Every failure is a GitError (`scm/GitError.ts`) whose message
 * says what to do, in the host's own words where it gave any.
 */
import type { RepositoryLocation } from '@image-automation/plugin-image-automation-common';

/** Which kind of adapter serves a repository. */
export type GitHostKind = 'github' | 'gitlab' | 'git';

/** A repository as the reader, the write-back and the card name it. */
export interface RepositoryIdentity {
  kind: GitHostKind;
  location: RepositoryLocation;
  /** `acme/deploy`, or `git.internal:2222/team/app` for plain Git: for messages. */
  displayName: string;
  /** The repository's web page, for links; undefined for plain Git servers. */
  webUrl?: string;
}

/** A file of a Git tree. */
export interface TreeEntry {
  /** The blob's object id: equal content, equal id. */
  sha: string;
  size: number;
  /** `100644`, `100755` (kept when a file is rewritten) or `120000` (a link, never followed). */
  mode: string;
}

/** One repository at the head of a branch: the commit and its file listing. */
export interface BranchHead {
  repository: RepositoryIdentity;
  branch: string;
  /** The commit the files are read at (a write-back's parent). */
  headSha: string;
  /** The root tree of that commit. */
  treeSha: string;
  /** Path → blob id, size and mode, for every file of the tree. */
  entries: Map<string, TreeEntry>;
}

/** A file at a branch head. */
export interface GitFile {
  path: string;
  content: string;
  /** Git blob id: parses and contents are cached by it. */
  blobSha: string;
}

/** Some files of a branch head. */
export interface GitSnapshot extends BranchHead {
  files: Map<string, GitFile>;
  /** Requested paths that do not exist at that commit. */
  missing: string[];
}

/** A commit as the coordinator needs it: to tell ours from a person's. */
export interface CommitInfo {
  sha: string;
  treeSha: string;
  parents: string[];
  message: string;
}

/** A file's new content in a commit the plugin creates. */
export interface FileChange {
  path: string;
  content: string;
  mode: '100644' | '100755';
}

/** What a compare-and-swap ref move found. */
export type RefMove =
  | { moved: true }
  /** The ref was not at the expected sha (or existed when creating): nothing was changed. */
  | { moved: false; actualSha?: string };

/** A pull request (GitHub) or merge request (GitLab). */
export interface ChangeRequest {
  number: number;
  url: string;
  state: 'open' | 'merged' | 'closed';
  title: string;
  body: string;
  /** The branch it proposes. */
  branch: string;
}

/**
 * One repository, with the credentials to read and write it. All methods
 * compare before they move anything: nothing here overwrites a ref blindly.
 */
export interface GitRepository {
  readonly identity: RepositoryIdentity;
  /** Whether the host has change requests (pull/merge requests); plain Git has none. */
  readonly supportsChangeRequests: boolean;
  /** `pull request` or `merge request`, for messages and the card. */
  readonly changeRequestNoun: string;

  defaultBranch(): Promise<string>;
  /** The branch head and its file listing; undefined when the branch does not exist. */
  openBranch(branch: string): Promise<BranchHead | undefined>;
  /** The sha a branch points at, without listing files; undefined when it does not exist. */
  branchSha(branch: string): Promise<string | undefined>;
  /** Reads `paths` at `head`; every path is checked (links, size) before any download. */
  readFiles(head: BranchHead, paths: string[]): Promise<GitSnapshot>;
  getCommit(sha: string): Promise<CommitInfo>;

  /** Creates a commit on top of `parent` with `changes`; moves no ref. */
  createCommit(input: {
    parent: BranchHead;
    message: string;
    author?: { name: string; email: string };
    changes: FileChange[];
  }): Promise<CommitInfo>;
  /**
   * Points `branch` at `newSha` only if it is at `expectedSha` now
   * (`undefined`: only if the branch does not exist yet). Never forced
   * past another sha.
   */
  moveBranch(
    branch: string,
    expectedSha: string | undefined,
    newSha: string,
  ): Promise<RefMove>;

  /** The change request for `branch`: the open one, else the one numbered `known`. */
  findChangeRequest(
    branch: string,
    known?: number,
  ): Promise<ChangeRequest | undefined>;
  openChangeRequest(input: {
    branch: string;
    base: string;
    title: string;
    body: string;
    labels: string[];
  }): Promise<ChangeRequest>;
  updateChangeRequest(
    number: number,
    input: { title: string; body: string },
  ): Promise<void>;
  /** Comments with `comment`, then closes without merging. */
  closeChangeRequest(number: number, comment: string): Promise<void>;
}

/** One kind of host: serves the repositories of the hosts it is configured for. */
export interface GitHostAdapter {
  readonly kind: GitHostKind;
  /** Whether config names `location.host` for this adapter (an integration or a `git.hosts` entry). */
  serves(location: RepositoryLocation): boolean;
  /** A repository handle with credentials; throws a GitError for config problems. */
  open(location: RepositoryLocation): Promise<GitRepository>;
  /**
   * A cycle begins: branch heads an adapter shares between the entities of
   * a repository within a cycle are read anew from here on.
   */
  beginCycle?(): void;
}
