import { formatResumeTime } from '../formatResumeTime';
import { GitError } from '../GitError';
import { GitlabRequestError } from './GitlabApi';

/** What to check when GitLab says `404 <what> Not Found`. */
const NOT_FOUND_HINTS: Record<string, (repository: string) => string> = {
  project: repository =>
    `check that project ${repository} exists and that the token's user is a member`,
  branch: () => 'check the branch name (git.branch)',
  file: () => 'check the file paths and the branch',
  tree: () => 'check the file paths and the branch',
  commit: () =>
    'the commit is gone (a force-push?); the next cycle reads again',
};

/**
 * Turns a GitLab failure into a GitError whose message says what is wrong and what to change,
 * quoting GitLab where it gave words. `doing` names the action, e.g. `open a merge request`.
 */
export function toGitlabError(
  error: unknown,
  repository: string,
  host: string,
  doing: string,
): GitError {
  if (error instanceof GitError) return error;
  if (!(error instanceof GitlabRequestError)) {
    return new GitError(
      'git-unreachable',
      `could not ${doing} in ${repository} on GitLab: ${
        (error as Error)?.message ?? error
      }`,
      { cause: error },
    );
  }
  const { status, gitlabMessage: said } = error;
  const cause = { cause: error };
  if (status === undefined) {
    return new GitError(
      'git-unreachable',
      `could not reach GitLab to ${doing} in ${repository}: ${said}; the next cycle retries`,
      cause,
    );
  }
  if (status === 401) {
    return new GitError(
      'git-auth',
      `GitLab rejected the token for ${host} while trying to ${doing} in ${repository} (401 ${said}): check integrations.gitlab[].token for ${host}; it may be expired or revoked`,
      cause,
    );
  }
  if (status === 403 && error.extras.scope !== undefined) {
    return new GitError(
      'git-permission',
      `the GitLab token for ${host} lacks the scope to ${doing} in ${repository} (403 insufficient_scope, needs ${
        error.extras.scope.split(' ')[0]
      }): give the token in integrations.gitlab the api scope`,
      cause,
    );
  }
  if (
    (status === 403 || status === 400) &&
    /protected branch|not allowed to push into this branch/i.test(said)
  ) {
    return new GitError(
      'git-protected-branch',
      `the branch is protected in ${repository}, so GitLab refused to ${doing} (${status} ${said}): use mode pull-request, or allow the token's user to push to the branch`,
      cause,
    );
  }
  if (status === 403) {
    return new GitError(
      'git-permission',
      `GitLab denied ${doing} in ${repository} (403 ${said}): the token's user needs at least the Developer role in the project`,
      cause,
    );
  }
  if (status === 404) {
    const what = /404 (.+) Not Found/i.exec(said)?.[1]?.toLowerCase();
    const hint =
      (what && NOT_FOUND_HINTS[what]?.(repository)) ??
      'check the repository, branch and file paths, and that the token can see the project';
    return new GitError(
      'git-not-found',
      `GitLab found nothing to ${doing} in ${repository} (404 ${said}): ${hint}`,
      cause,
    );
  }
  if (status === 429 && error.extras.rateLimit) {
    const { resumesAt, observedAt } = error.extras.rateLimit;
    return new GitError(
      'git-rate-limited',
      `GitLab rate limit reached, resumes at ${formatResumeTime(
        resumesAt,
        observedAt,
      )}: could not ${doing} in ${repository}; the token for ${host} has made as many API requests as GitLab allows its user for now, so nothing more is asked of GitLab with it until then, and the first cycle after that resumes by itself (if this recurs, give image automation a GitLab user of its own, or ask the GitLab administrator to raise the authenticated API rate limit)`,
      cause,
    );
  }
  if (status === 429) {
    return new GitError(
      'git-rate-limited',
      `GitLab rate-limited requests for ${repository} while trying to ${doing}; the next cycle resumes`,
      cause,
    );
  }
  if (status >= 500) {
    return new GitError(
      'git-unreachable',
      `GitLab answered ${status} while trying to ${doing} in ${repository}; the next cycle retries`,
      cause,
    );
  }
  return new GitError(
    'git-conflict',
    `GitLab refused to ${doing} in ${repository} (${status} ${said}); the next cycle retries from the new state`,
    cause,
  );
}
