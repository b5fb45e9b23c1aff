import type { Octokit } from '@octokit/rest';
import { GitError } from '../../GitError';
import { toGitError } from '../toGitError';
import { GithubRateLimitError } from './GithubRateLimitError';
import { RateLimitGate } from './RateLimitGate';
import { Semaphore } from './Semaphore';

/** One entry of a GraphQL answer's `errors`, as GitHub sends it. */
export interface GraphqlErrorEntry {
  type?: string;
  path?: Array<string | number>;
  message: string;
}

/** What a call answered: `data` may be partial when some fields failed. */
export interface GraphqlAnswer<T> {
  data: T | undefined;
  errors: GraphqlErrorEntry[];
}

/** Asked of every call: what is left, so the gate stops before GitHub refuses. */
export const RATE_LIMIT_SELECTION = 'rateLimit { remaining resetAt }';

/**
 * GitHub GraphQL calls for the reads: bounded in concurrency, refused at
 * once while the token's budget is spent, rate limits turned into
 * GithubRateLimitError and other failures into GitError. Field errors come
 * back with the partial data, for the caller to assign to the aliases.
 */
export class GithubGraphql {
  constructor(private readonly concurrency: Semaphore) {}

  async call<T extends object>(
    octokit: Octokit,
    gate: RateLimitGate,
    query: string,
    variables: Record<string, unknown>,
    context: { repository: string; doing: string },
  ): Promise<GraphqlAnswer<T>> {
    const { repository, doing } = context;
    gate.check('graphql', repository, doing);
    return this.concurrency.run(async () => {
      try {
        const data = await gate.run('graphql', repository, doing, () =>
          octokit.graphql<T>(query, variables),
        );
        gate.observeGraphqlBudget((data as { rateLimit?: any }).rateLimit);
        return { data, errors: [] };
      } catch (error) {
        if (error instanceof GithubRateLimitError) throw error;
        const e = error as {
          name?: string;
          data?: T;
          errors?: GraphqlErrorEntry[];
        };
        if (e.name === 'GraphqlResponseError' && Array.isArray(e.errors)) {
          gate.observeGraphqlBudget((e.data as { rateLimit?: any })?.rateLimit);
          return { data: e.data ?? undefined, errors: e.errors };
        }
        throw toGitError(error, repository, doing);
      }
    });
  }
}

/** The error of one alias, as a GitError in the words the card shows. */
export function fieldError(
  entry: GraphqlErrorEntry,
  repository: string,
  doing: string,
): GitError {
  if (entry.type === 'NOT_FOUND') {
    return new GitError(
      'git-not-found',
      `GitHub found nothing to ${doing} in ${repository} (${entry.message}): check the repository and that the token can see it`,
    );
  }
  if (entry.type === 'FORBIDDEN') {
    return new GitError(
      'git-permission',
      `GitHub denied ${doing} in ${repository} (${entry.message}): the token or app needs the permission contents=read`,
    );
  }
  return new GitError(
    'git-unreachable',
    `GitHub could not ${doing} in ${repository}: ${entry.message}`,
  );
}

/** The alias an error belongs to: its path's element at `depth` (0 for top-level aliases). */
export const aliasOf = (entry: GraphqlErrorEntry, depth: number) =>
  entry.path && entry.path.length > depth
    ? String(entry.path[depth])
    : undefined;

/** The first error of the call as a whole (not of one alias), as a GitError. */
export function callError(
  errors: GraphqlErrorEntry[],
  depth: number,
  aliases: ReadonlySet<string>,
  repository: string,
  doing: string,
): GitError | undefined {
  const general = errors.find(e => !aliases.has(aliasOf(e, depth) ?? ''));
  return general && fieldError(general, repository, doing);
}
