import { describeGitFailure } from './describeGitFailure';
import { GitCommandFailure, scrub } from './runGit';

const context = {
  repository: 'git.internal:2222/team/app',
  host: 'git.internal:2222',
  transport: 'ssh' as const,
  doing: 'push branch main to',
};

const failure = (stderr: string, exitCode = 128, timedOut = false) =>
  new GitCommandFailure('push', exitCode, stderr, timedOut);

describe('describeGitFailure', () => {
  it.each([
    [
      'ERROR: The key you are authenticating with has been marked as read only.\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n',
      true,
      'git-permission',
      'git.internal:2222 refused to let the deploy key push branch main to git.internal:2222/team/app (ERROR: The key you are authenticating with has been marked as read only.): give it write access',
    ],
    [
      'git@git.internal: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n',
      false,
      'git-auth',
      'git.internal:2222 refused the deploy key for git.internal:2222/team/app',
    ],
    [
      'No ED25519 host key is known for [git.internal]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n',
      false,
      'git-auth',
      'the SSH host key of git.internal:2222 does not match ssh.knownHosts',
    ],
    [
      'Load key "/tmp/ia-git-ssh-x/deploy_key": invalid format\r\ngit@git.internal: Permission denied (publickey).\n',
      false,
      'git-auth',
      'ssh could not use the ssh.privateKey of git.internal:2222',
    ],
    [
      "fatal: '/team/app.git' does not appear to be a git repository\nfatal: Could not read from remote repository.\n",
      false,
      'git-not-found',
      'git.internal:2222 has no repository git.internal:2222/team/app',
    ],
    [
      'ssh: connect to host git.internal port 2222: Connection refused\r\nfatal: Could not read from remote repository.\n',
      false,
      'git-unreachable',
      'could not reach git.internal:2222 to push branch main to git.internal:2222/team/app',
    ],
    [
      "fatal: unable to access 'https://gitea.internal/team/app.git/': The requested URL returned error: 401\n",
      false,
      'git-auth',
      'rejected https.username and https.token',
    ],
  ])('%j', (stderr, writing, kind, message) => {
    const error = describeGitFailure(failure(stderr), { ...context, writing });
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(message);
  });

  it('a timeout is a retry, not a config problem', () => {
    const error = describeGitFailure(failure('', null as never, true), context);
    expect(error.kind).toBe('git-unreachable');
    expect(error.message).toBe(
      'git timed out trying to push branch main to git.internal:2222/team/app; the next cycle retries',
    );
  });
});

describe('scrub', () => {
  it('replaces secrets, and each long line of a multi-line secret', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJDREVGR0hJSktMTU5PUA==\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(
      scrub(
        'echo b3BlbnNzaC1rZXktdjEAAAAA and QUJDREVGR0hJSktMTU5PUA== and token-1234567',
        [key, 'token-1234567'],
      ),
    ).toBe('echo *** and *** and ***');
  });
});
