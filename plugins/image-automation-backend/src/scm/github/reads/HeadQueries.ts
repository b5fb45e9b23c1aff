import type { Octokit } from '@octokit/rest';
import { GitError } from '../../GitError';
import { GithubRateLimitError } from './GithubRateLimitError';
import {
  aliasOf,
  callError,
  fieldError,
  GithubGraphql,
  RATE_LIMIT_SELECTION,
} from './GithubGraphql';
import { GithubReadTarget } from './GithubReadTarget';
import { MicroBatcher } from './MicroBatcher';
import { RateLimitGate } from './RateLimitGate';

/** GitHub answered the query with an error of no alias: something in the query, not GitHub, failed. */
class RefusedQueryError extends GitError {
  constructor(error: GitError) {
    super(error.kind, error.message, { cause: error.cause });
  }
}

/** Whether a failed batch may succeed in parts: the query was refused for what it holds. */
function causedByContent(error: unknown): boolean {
  if (error instanceof RefusedQueryError) return true;
  if (error instanceof GithubRateLimitError) return false;
  const status = ((error as GitError).cause as { status?: number } | undefined)
    ?.status;
  return status === 400 || status === 422;
}

/** A branch head without its file listing. */
export interface HeadCommit {
  branch: string;
  headSha: string;
  treeSha: string;
  /** What the repository occupies on GitHub, KiB (history included). */
  diskUsageKb?: number;
}

interface HeadRequest {
  target: GithubReadTarget;
  /** Undefined: the repository's default branch. */
  branch?: string;
}

/** Repositories per query: `repository` is not a connection, so each call costs one point. */
export const REPOSITORIES_PER_QUERY = 50;

interface TargetSelection {
  name: string;
  target: { oid: string; tree?: { oid: string } } | null;
}

interface RepositoryHeads {
  diskUsage?: number | null;
  defaultBranchRef: TargetSelection | null;
  ref?: TargetSelection | null;
}

const HEAD = 'name target { oid ... on Commit { tree { oid } } }';

/**
 * Branch heads of many repositories in one GraphQL call per token: the
 * commit and its root tree, and the default branch name where none is
 * given. The heads a cycle opens at once cost one point per fifty
 * repositories, not one request per repository.
 */
export class HeadQueries {
  private readonly batcher: MicroBatcher<
    Octokit,
    HeadRequest,
    HeadCommit | undefined
  >;

  constructor(
    private readonly graphql: GithubGraphql,
    private readonly gateFor: (octokit: Octokit) => RateLimitGate,
  ) {
    this.batcher = new MicroBatcher(
      REPOSITORIES_PER_QUERY,
      (octokit, requests) => this.query(octokit, requests),
    );
  }

  /** The head of `branch` (default: the default branch); undefined when the branch does not exist. */
  head(
    target: GithubReadTarget,
    branch?: string,
  ): Promise<HeadCommit | undefined> {
    return this.batcher.load(target.octokit, { target, branch });
  }

  /**
   * One call for the batch. When GitHub refuses the query as a whole for
   * something in it (an error of no alias, a 400 or 422), the halves are
   * asked apart, and a failing half again, until the failure is down to the
   * repository that causes it, so one bad repository costs only itself. When
   * both first halves fail alike, GitHub itself is struggling (its timeout
   * error reads the same): the batch fails without asking further. An
   * outage (5xx, no answer), a rate limit or bad credentials fail the batch
   * at once.
   */
  private async query(
    octokit: Octokit,
    requests: HeadRequest[],
  ): Promise<Array<HeadCommit | undefined | Error>> {
    try {
      return await this.queryOnce(octokit, requests);
    } catch (error) {
      return this.split(octokit, requests, error, true);
    }
  }

  /** The batch that failed with `error`, asked again in halves where that may help. */
  private async split(
    octokit: Octokit,
    requests: HeadRequest[],
    error: unknown,
    firstSplit: boolean,
  ): Promise<Array<HeadCommit | undefined | Error>> {
    if (requests.length === 1 || !causedByContent(error)) throw error;
    const half = Math.ceil(requests.length / 2);
    const halves = [requests.slice(0, half), requests.slice(half)];
    const answers = await Promise.all(
      halves.map(part =>
        this.queryOnce(octokit, part).then(
          results => ({ results }),
          (failed: unknown) => ({ failed }),
        ),
      ),
    );
    if (firstSplit && answers.every(a => 'failed' in a)) throw error;
    const parts = await Promise.all(
      answers.map((answer, i) =>
        'results' in answer
          ? answer.results
          : this.split(octokit, halves[i], answer.failed, false).catch(
              (failed: Error) => halves[i].map(() => failed),
            ),
      ),
    );
    return parts.flat();
  }

  private async queryOnce(
    octokit: Octokit,
    requests: HeadRequest[],
  ): Promise<Array<HeadCommit | undefined | Error>> {
    const variables: Record<string, string> = {};
    const declarations: string[] = [];
    const selections = requests.map(({ target, branch }, i) => {
      variables[`o${i}`] = target.owner;
      variables[`n${i}`] = target.repo;
      declarations.push(`$o${i}: String!`, `$n${i}: String!`);
      let ref = '';
      if (branch !== undefined) {
        variables[`b${i}`] = `refs/heads/${branch}`;
        declarations.push(`$b${i}: String!`);
        ref = ` ref(qualifiedName: $b${i}) { ${HEAD} }`;
      }
      return `r${i}: repository(owner: $o${i}, name: $n${i}) { diskUsage defaultBranchRef { ${HEAD} }${ref} }`;
    });
    const query = `query(${declarations.join(
      ', ',
    )}) { ${RATE_LIMIT_SELECTION} ${selections.join(' ')} }`;
    const names = requests.map(r => r.target.displayName);
    const repository =
      names.length === 1
        ? names[0]
        : `${names.length} repositories (${names.slice(0, 3).join(', ')}${
            names.length > 3 ? ', …' : ''
          })`;
    const doing = 'read the branch heads';
    const answer = await this.graphql.call<
      Record<string, RepositoryHeads | null>
    >(octokit, this.gateFor(octokit), query, variables, { repository, doing });
    const aliases = new Set(requests.map((_, i) => `r${i}`));
    aliases.add('rateLimit');
    const general = callError(answer.errors, 0, aliases, repository, doing);
    if (general) throw new RefusedQueryError(general);
    return requests.map(({ target, branch }, i) => {
      const alias = `r${i}`;
      const failed = answer.errors.find(e => aliasOf(e, 0) === alias);
      if (failed) {
        return fieldError(
          failed,
          target.displayName,
          `read branch ${branch ?? 'heads'}`,
        );
      }
      const heads = answer.data?.[alias];
      if (!heads) {
        return new GitError(
          'git-not-found',
          `GitHub found no repository ${target.displayName}: check the repository and that the token can see it`,
        );
      }
      const selected =
        branch === undefined ? heads.defaultBranchRef : heads.ref;
      if (!selected?.target) return undefined;
      const { oid, tree } = selected.target;
      if (!tree) {
        return new GitError(
          'git-bad-repository',
          `${target.displayName}@${selected.name} points at ${oid}, which is not a commit`,
        );
      }
      return {
        branch: branch ?? selected.name,
        headSha: oid,
        treeSha: tree.oid,
        ...(typeof heads.diskUsage === 'number'
          ? { diskUsageKb: heads.diskUsage }
          : {}),
      };
    });
  }
}
