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

/** One emulated repository: the bare git repository plus what GitHub keeps beside git. */
export class EmulatedRepository {
  readonly pulls: PullRequestRecord[] = [];
  readonly labels = new Map<string, LabelRecord>();
  readonly protectedBranches = new Set<string>();
  readonly lock = new WriteLock();
  /** Download links handed out by the tarball endpoint: token → commit. */
  readonly archiveLinks = new Map<string, string>();
  /** Issue and pull request numbers share one sequence, as on GitHub. */
  private lastNumber = 0;
  private lastId = 0;

  constructor(
    readonly id: number,
    readonly owner: string,
    readonly name: string,
    readonly git: BareRepository,
    public defaultBranch: string,
  ) {}

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
}

export const nowIso = (): string =>
  new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
