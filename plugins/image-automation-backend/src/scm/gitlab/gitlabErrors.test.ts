import { GitlabRequestError } from './GitlabApi';
import { toGitlabError } from './gitlabErrors';

const map = (error: unknown) =>
  toGitlabError(
    error,
    'acme/deploy',
    'gitlab.example.com',
    'open a merge request',
  );

describe('toGitlabError', () => {
  it.each([
    [
      new GitlabRequestError(401, '401 Unauthorized'),
      'git-auth',
      'integrations.gitlab[].token for gitlab.example.com',
    ],
    [
      new GitlabRequestError(
        403,
        'insufficient_scope: The request requires higher privileges',
        { scope: 'api' },
      ),
      'git-permission',
      'needs api',
    ],
    [
      new GitlabRequestError(
        403,
        '403 Forbidden - You are not allowed to push into this branch',
      ),
      'git-protected-branch',
      'use mode pull-request',
    ],
    [
      new GitlabRequestError(403, '403 Forbidden'),
      'git-permission',
      'Developer role',
    ],
    [
      new GitlabRequestError(404, '404 Project Not Found'),
      'git-not-found',
      "project acme/deploy exists and that the token's user is a member",
    ],
    [
      new GitlabRequestError(404, '404 Branch Not Found'),
      'git-not-found',
      'check the branch name',
    ],
    [
      new GitlabRequestError(404, '404 File Not Found'),
      'git-not-found',
      'check the file paths',
    ],
    [
      new GitlabRequestError(
        409,
        'Another open merge request already exists for this source branch: !4',
      ),
      'git-conflict',
      '(409 Another open merge request already exists for this source branch: !4)',
    ],
    [
      new GitlabRequestError(400, "A file with this name doesn't exist"),
      'git-conflict',
      "(400 A file with this name doesn't exist)",
    ],
    [
      new GitlabRequestError(429, 'Retry later'),
      'git-rate-limited',
      'next cycle resumes',
    ],
    [new GitlabRequestError(503, '503'), 'git-unreachable', 'answered 503'],
    [
      new GitlabRequestError(
        undefined,
        'could not reach gitlab.example.com: ECONNREFUSED',
      ),
      'git-unreachable',
      'ECONNREFUSED',
    ],
  ])('maps %s', (error, kind, words) => {
    const mapped = map(error);
    expect(mapped.kind).toBe(kind);
    expect(mapped.message).toContain(words);
    expect(mapped.message).toContain('acme/deploy');
  });

  it('says when GitLab takes requests again once its rate limit is reached', () => {
    const limited = (resumesAt: string) =>
      map(
        new GitlabRequestError(429, 'Retry later', {
          rateLimit: {
            resumesAt: new Date(resumesAt),
            observedAt: new Date('2026-12-01T20:00:15Z'),
            sent: true,
          },
        }),
      );
    const error = limited('2026-12-01T20:01:00Z');
    expect(error.kind).toBe('git-rate-limited');
    expect(error.message).toMatch(
      /^GitLab rate limit reached, resumes at 20:01 UTC: could not open a merge request in acme\/deploy; the token for gitlab\.example\.com has made as many API requests as GitLab allows its user for now, so nothing more is asked of GitLab with it until then, and the first cycle after that resumes by itself/,
    );
    expect(error.message).toContain('GitLab user of its own');
    expect(limited('2026-12-02T00:10:00Z').message).toMatch(
      /^GitLab rate limit reached, resumes at 2026-12-02 00:10 UTC: /,
    );
  });
});
