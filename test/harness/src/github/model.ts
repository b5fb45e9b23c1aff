import { BareRepository } from '../git/BareRepository';

/** Who a request acts as: the login GitHub would show on the PRs, comments and commits it makes. */
export interface Actor {
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

export interface IssueComment {
  id: number;
  body: string;
  user: Actor;
  createdAt: string;
  updatedAt: string;
}

export interface PullRequestRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  headRef: string;
  baseRef: string;
  /** Frozen when the pull request closes; while open the live branch heads are shown. */
  closedHeadSha?: string;
  closedBaseSha?: string;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: Actor | null;
  mergeCommitSha: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  user: Actor;
  draft: boolean;
  maintainerCanModify: boolean;
  labels: string[];
  comments: IssueComment[];
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/**
 * Serialises writes to one repository so that check-then-write sequences (duplicate pull
 * requests, fast-forward checks) behave as atomically as they do on GitHub.
 */
class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * BareRepository's calls that only read. Every other call may write (objects, refs), and makes
 * the repository forget the answers it keeps: a method added there is taken for a write until it
 * is listed here.
 */
const READ_ONLY_CALLS: ReadonlySet<PropertyKey> = new Set<keyof BareRepository>(
  [
    'archive',
    'diffFiles',
    'diskUsageKb',
    'findEntry',
    'isAncestor',
    'listRefs',
    'mergeBase',
    'objectType',
    'readBlob',
    'readCommit',
    'readRef',
    'readTree',
    'readTreeRecursive',
    'resolveCommit',
    'resolveTree',
    'revList',
    'unifiedDiff',
  ],
);

/** Answers kept per repository at most (a query can name any number of refs). */
const MAX_KEPT_ANSWERS = 1_000;

/**
 * `git`, with `started` and `ended` around every call that may write: the emulator's own writes
 * all go through the repository's `git`.
 */
function watchWrites(
  git: BareRepository,
  started: () => void,
  ended: () => void,
): BareRepository {
  const calls = new Map<PropertyKey, unknown>();
  return new Proxy(git, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      let call = calls.get(property);
      if (!call) {
        call = READ_ONLY_CALLS.has(property)
          ? value.bind(target)
          : async (...args: unknown[]) => {
              started();
              try {
                return await value.apply(target, args);
              } finally {
                ended();
              }
            };
        calls.set(property, call);
      }
      return call;
    },
  });
}

/** One emulated repository: the bare git repository plus what GitHub keeps beside git. */
export class EmulatedRepository {
  readonly pulls: PullRequestRecord[] = [];
  readonly labels = new Map<string, LabelRecord>();
  readonly protectedBranches = new Set<string>();
  readonly lock = new WriteLock();
  /** Download links handed out by the tarball endpoint: token → commit. */
  readonly archiveLinks = new Map<string, string>();
  readonly git: BareRepository;
  /** Issue and pull request numbers share one sequence, as on GitHub. */
  private lastNumber = 0;
  private lastId = 0;
  /** What git answered (a ref's commit, the disk usage), until the next write. */
  private readonly answers = new Map<string, Promise<unknown>>();
  private writesUnderWay = 0;
  /** Someone else may run git on the repository: nothing is kept then. */
  private gitDirHandedOut = false;

  constructor(
    readonly id: number,
    readonly owner: string,
    readonly name: string,
    git: BareRepository,
    public defaultBranch: string,
  ) {
    this.git = watchWrites(
      git,
      () => {
        this.writesUnderWay += 1;
        this.answers.clear();
      },
      () => {
        this.writesUnderWay -= 1;
        this.answers.clear();
      },
    );
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  nextNumber(): number {
    this.lastNumber += 1;
    return this.lastNumber;
  }

  /** Comment and label ids: unique across emulated repositories, like GitHub's global ids. */
  nextId(): number {
    this.lastId += 1;
    return this.id * 1_000_000 + this.lastId;
  }

  findPull(number: number): PullRequestRecord | undefined {
    return this.pulls.find(p => p.number === number);
  }

  isProtected(branch: string): boolean {
    return this.protectedBranches.has(branch);
  }

  /**
   * The bare repository's folder, for a caller that runs git on it itself. From then on the
   * repository keeps no answers: it cannot see those writes.
   */
  handOutGitDir(): string {
    this.gitDirHandedOut = true;
    this.answers.clear();
    return this.git.gitDir;
  }

  /**
   * `git.readRef`, kept until the repository is next written: a GraphQL call naming fifty
   * repositories would otherwise start fifty `git show-ref`.
   */
  readRef(fullRef: string): Promise<string | undefined> {
    return this.kept(`ref:${fullRef}`, () => this.git.readRef(fullRef));
  }

  /** `git.resolveCommit`, kept until the repository is next written. */
  resolveCommit(revision: string): Promise<string | undefined> {
    return this.kept(`rev:${revision}`, () => this.git.resolveCommit(revision));
  }

  /** `git.diskUsageKb` (a `git count-objects`), kept until the repository is next written. */
  diskUsageKb(): Promise<number> {
    return this.kept('disk-usage', () => this.git.diskUsageKb());
  }

  /**
   * The answer git gave to `ask` since the last write, or git's answer now. Nothing is kept while
   * a write is under way (it may land before or after git looks), and a write forgets everything.
   */
  private kept<T>(key: string, ask: () => Promise<T>): Promise<T> {
    if (this.gitDirHandedOut || this.writesUnderWay > 0) return ask();
    const known = this.answers.get(key) as Promise<T> | undefined;
    if (known) return known;
    if (this.answers.size >= MAX_KEPT_ANSWERS) this.answers.clear();
    const answer = ask();
    this.answers.set(key, answer);
    // A failed call is asked again next time.
    answer.catch(() => {
      if (this.answers.get(key) === answer) this.answers.delete(key);
    });
    return answer;
  }
}

export const nowIso = (): string =>
  new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
