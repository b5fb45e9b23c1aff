import { BareRepository } from '../git/BareRepository';

/** A GitLab account: who a token acts as, and the author of what it creates. */
export interface GitlabUser {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface NoteRecord {
  id: number;
  body: string;
  author: GitlabUser;
  createdAt: string;
  /** GitLab's own notes ("closed", "added 1 commit") are system notes. */
  system: boolean;
}

export interface MergeRequestRecord {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
  notes: NoteRecord[];
  author: GitlabUser;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  /** The source head when the merge request stopped being open; while open the live head is shown. */
  frozenSha?: string;
}

/** Serialises writes to one project, as GitLab serialises ref updates per repository. */
class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One emulated project: the bare git repository plus what GitLab keeps beside git. */
export class EmulatedProject {
  readonly mergeRequests: MergeRequestRecord[] = [];
  readonly protectedBranches = new Set<string>();
  readonly lock = new WriteLock();
  private lastIid = 0;

  constructor(
    readonly id: number,
    /** `group/sub/project`, as in `path_with_namespace`. */
    readonly fullPath: string,
    readonly git: BareRepository,
    public defaultBranch: string,
  ) {}

  get name(): string {
    return this.fullPath.split('/').pop()!;
  }

  nextIid(): number {
    this.lastIid += 1;
    return this.lastIid;
  }

  findMergeRequest(iid: number): MergeRequestRecord | undefined {
    return this.mergeRequests.find(m => m.iid === iid);
  }

  isProtected(branch: string): boolean {
    return this.protectedBranches.has(branch);
  }
}

/** GitLab's timestamps: ISO 8601 with milliseconds, in UTC. */
export const nowIso = (): string => new Date().toISOString();
