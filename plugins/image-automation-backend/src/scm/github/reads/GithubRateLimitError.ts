import { formatResumeTime } from '../../formatResumeTime';
import { GitError } from '../../GitError';

/**
 * Which of GitHub's limits refused: the token's hourly budget (primary), or
 * too many requests in a short time (secondary, with a `retry-after`).
 */
export type GithubRateLimitKind = 'primary' | 'secondary';

const WHY: Record<GithubRateLimitKind, string> = {
  primary:
    "the token's hourly budget is spent, so nothing is asked of GitHub until then (a GitHub App installation has a larger budget)",
  secondary:
    'GitHub asked for a pause after too many requests in a short time (its secondary rate limit), so nothing is asked of GitHub until then',
};

/**
 * GitHub refuses the token for a while: nothing is asked until `resumesAt`,
 * when GitHub takes requests again and the next cycle reads again.
 */
export class GithubRateLimitError extends GitError {
  constructor(
    readonly resumesAt: Date,
    repository: string,
    doing: string,
    options?: { cause?: unknown; now?: Date; limit?: GithubRateLimitKind },
  ) {
    super(
      'git-rate-limited',
      `GitHub rate limit reached, resumes at ${formatResumeTime(
        resumesAt,
        options?.now,
      )}: could not ${doing} in ${repository}; ${
        WHY[options?.limit ?? 'primary']
      }`,
      options,
    );
  }
}
