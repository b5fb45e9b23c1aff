import { GitError } from '../../GitError';

/** `21:05 UTC`, or `2026-12-02 09:00 UTC` when the reset is not today. */
export function formatResumeTime(at: Date, now = new Date()): string {
  const iso = at.toISOString();
  const sameDay = iso.slice(0, 10) === now.toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

/**
 * GitHub's rate limit is spent for the token: nothing is asked until
 * `resumesAt`, when GitHub gives the budget back and the next cycle reads again.
 */
export class GithubRateLimitError extends GitError {
  constructor(
    readonly resumesAt: Date,
    repository: string,
    doing: string,
    options?: { cause?: unknown; now?: Date },
  ) {
    super(
      'git-rate-limited',
      `GitHub rate limit reached, resumes at ${formatResumeTime(
        resumesAt,
        options?.now,
      )}: could not ${doing} in ${repository}; the token's hourly budget is spent, so nothing is asked of GitHub until then (a GitHub App installation has a larger budget)`,
      options,
    );
  }
}
