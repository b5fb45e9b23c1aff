import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type LeasePushResult =
  | { outcome: 'moved' }
  /** The branch no longer held the expected commit: git refused, nothing changed. */
  | { outcome: 'stale' }
  /** GitLab refused the push (protected branch, permissions); `message` carries its words. */
  | { outcome: 'rejected'; message: string };

export interface LeasePushInput {
  /** `https://gitlab.example.com/group/project.git`. */
  cloneUrl: string;
  token: string;
  /** A branch that holds `sha` on the server, fetched so git knows the commit it pushes. */
  holder: string;
  sha: string;
  branch: string;
  expectedSha: string;
}

interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Points `branch` at `sha` with `git push --force-with-lease=<branch>:<expectedSha>`: receive-pack
 * applies the update only while the ref still holds `expectedSha`, under git's own ref lock.
 * GitLab's REST API has no such compare-and-swap for an existing branch (it creates, deletes or
 * commits onto one), so this is the one way to move it to an exact commit without racing a
 * person's push. Git fetches only the one commit (depth 1, no trees or blobs) into a private
 * temporary repository; the token travels in the environment, never on a command line or in a
 * URL, and no user or system git configuration is read.
 */
export async function leasePush(
  input: LeasePushInput,
): Promise<LeasePushResult> {
  const dir = await mkdtemp(join(tmpdir(), 'image-automation-gitlab-'));
  const basic = Buffer.from(`oauth2:${input.token}`).toString('base64');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
  const git = (args: string[]) => runGit(dir, args, env);
  try {
    const init = await git(['init', '--quiet', '--bare']);
    if (init.code !== 0) throw new Error(`git init failed: ${init.stderr}`);
    const fetched = await git([
      'fetch',
      '--quiet',
      '--no-tags',
      '--depth=1',
      '--filter=tree:0',
      input.cloneUrl,
      `+refs/heads/${input.holder}:refs/image-automation/holder`,
    ]);
    if (fetched.code !== 0) {
      return { outcome: 'rejected', message: remoteWords(fetched.stderr) };
    }
    const pushed = await git([
      'push',
      '--porcelain',
      '--no-verify',
      `--force-with-lease=refs/heads/${input.branch}:${input.expectedSha}`,
      input.cloneUrl,
      `${input.sha}:refs/heads/${input.branch}`,
    ]);
    const line = pushed.stdout
      .split('\n')
      .find(l => l.includes(`refs/heads/${input.branch}`));
    if (pushed.code === 0 && line && !line.startsWith('!')) {
      return { outcome: 'moved' };
    }
    // `stale info`: git saw another commit in the server's advertisement. `cannot lock ref … but
    // expected`: someone pushed after the advertisement, and receive-pack's own compare refused.
    if (
      /stale info|cannot lock ref|but expected|failed to update ref/.test(
        `${line ?? ''}\n${pushed.stderr}`,
      )
    ) {
      return { outcome: 'stale' };
    }
    return {
      outcome: 'rejected',
      message: remoteWords(`${pushed.stderr}\n${line ?? ''}`),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the server said (`remote: GitLab: ...` lines), else git's own last error line. */
function remoteWords(stderr: string): string {
  const remote = stderr
    .split('\n')
    .filter(l => l.startsWith('remote:'))
    .map(l => l.replace(/^remote:\s*/, '').trim())
    .filter(Boolean);
  if (remote.length) return remote.join(' ');
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  return (
    lines.find(l => /^(fatal|error):/.test(l)) ??
    lines.pop() ??
    'git push failed'
  );
}

function runGit(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<GitRun> {
  return new Promise(resolve => {
    const child = spawn('git', [`--git-dir=${cwd}`, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', error =>
      resolve({
        code: -1,
        stdout,
        stderr: `git could not start: ${error.message}`,
      }),
    );
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}
