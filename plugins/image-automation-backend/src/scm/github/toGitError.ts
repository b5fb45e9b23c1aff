import { GitError } from '../GitError';

interface OctokitLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/**
 * Turns an Octokit failure into a GitError. `doing` names the action in
 * words, e.g. 'read deploy/app.yaml from acme/deploy@main'.
 */
export function toGitError(
  error: unknown,
  repository: string,
  doing: string,
): GitError {
  if (error instanceof GitError) return error;
  const e = error as OctokitLikeError;
  const status = e?.status;
  const detail = githubMessage(e);
  const headers = e?.response?.headers ?? {};
  if (status === 401) {
    return new GitError(
      'git-auth',
      `GitHub rejected the credentials for ${repository} while trying to ${doing} (401 ${detail}): check the token or GitHub App under integrations.github`,
      { cause: error },
    );
  }
  if (status === 403 || status === 429) {
    if (headers['retry-after'] || /rate limit/i.test(detail)) {
      return new GitError(
        'git-rate-limited',
        `GitHub rate-limited requests for ${repository} while trying to ${doing}; the next cycle resumes`,
        { cause: error },
      );
    }
    const needed = headers['x-accepted-github-permissions'];
    return new GitError(
      'git-permission',
      `GitHub denied ${doing} in ${repository} (403 ${detail})${
        needed
          ? `: the token or app needs the permission ${needed}`
          : ': give the token or app contents and pull requests write access'
      }`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new GitError(
      'git-not-found',
      `GitHub found nothing to ${doing} in ${repository} (404): check the repository, branch and file paths, and that the token can see the repository`,
      { cause: error },
    );
  }
  if (status === 409 || status === 422) {
    if (/protected branch/i.test(detail)) {
      return new GitError(
        'git-protected-branch',
        `the branch is protected in ${repository}, so GitHub refused to ${doing}: use mode pull-request, or allow the app to push`,
        { cause: error },
      );
    }
    return new GitError(
      'git-conflict',
      `GitHub refused to ${doing} in ${repository} (${status} ${detail}); the next cycle retries from the new state`,
      { cause: error },
    );
  }
  if (status && status >= 500) {
    return new GitError(
      'git-unreachable',
      `GitHub answered ${status} while trying to ${doing} in ${repository}; the next cycle retries`,
      { cause: error },
    );
  }
  return new GitError(
    'git-unreachable',
    `could not reach GitHub to ${doing} in ${repository}: ${
      e?.message ?? String(error)
    }`,
    { cause: error },
  );
}

function githubMessage(e: OctokitLikeError): string {
  const data = e?.response?.data as { message?: unknown } | undefined;
  return typeof data?.message === 'string'
    ? data.message
    : (e?.message ?? '').split('\n')[0];
}
