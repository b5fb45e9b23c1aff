import { GitError } from '../GitError';
import { GitCommandFailure } from './runGit';

export interface FailureContext {
  /** `git.internal:2222/team/app`, for messages. */
  repository: string;
  /** `host[:port]`, as in the `git.hosts` entry. */
  host: string;
  transport: 'ssh' | 'https';
  /** The action, completed by the repository's name: `fetch from`, `push branch main to`. */
  doing: string;
  /** A push: a refused connection then most likely means the key may only read. */
  writing?: boolean;
}

/**
 * Turns a failed git or ssh run into a GitError that says what to fix, with
 * the server's own words (already scrubbed of secrets) where it gave any.
 */
export function describeGitFailure(
  error: unknown,
  context: FailureContext,
): GitError {
  if (error instanceof GitError) return error;
  if (!(error instanceof GitCommandFailure)) {
    return new GitError(
      'git-unreachable',
      `could not run git to ${context.doing} ${context.repository}: ${
        (error as Error)?.message ?? String(error)
      }`,
      { cause: error },
    );
  }
  const { repository, host, doing } = context;
  const said = serverWords(error.stderr);
  const because = said ? ` (${said})` : '';
  const text = error.stderr;
  const make = (kind: GitError['kind'], message: string) =>
    new GitError(kind, message, { cause: error });

  if (error.timedOut) {
    return make(
      'git-unreachable',
      `git timed out trying to ${doing} ${repository}; the next cycle retries`,
    );
  }
  if (
    /Host key verification failed|host key is known for|REMOTE HOST IDENTIFICATION HAS CHANGED|HOST KEY VERIFICATION/i.test(
      text,
    )
  ) {
    return make(
      'git-auth',
      `the SSH host key of ${host} does not match ssh.knownHosts of its imageAutomation.git.hosts entry, so the connection to ${repository} was refused${because}: check the server's key and put its known_hosts line (\`ssh-keyscan${portOption(
        host,
      )} ${hostName(host)}\`, written as [${hostName(
        host,
      )}]:PORT for a port other than 22) in ssh.knownHosts`,
    );
  }
  if (
    /Load key|invalid format|incorrect passphrase|error in libcrypto/i.test(
      text,
    )
  ) {
    return make(
      'git-auth',
      `ssh could not use the ssh.privateKey of ${host} for ${repository}${because}: give an OpenSSH private key without passphrase, with its line breaks (a variable that lost them gives this error)`,
    );
  }
  if (/Permission denied \(publickey/i.test(text)) {
    return make(
      'git-auth',
      `${host} refused the deploy key for ${repository}${because}: add the key's public half to the repository's deploy keys (with write access for push and push-branch)`,
    );
  }
  if (
    /returned error: 401|Authentication failed|could not read (Username|Password)/i.test(
      text,
    )
  ) {
    return make(
      'git-auth',
      `${host} rejected https.username and https.token for ${repository} while trying to ${doing} it${because}: check the token and that it has not expired`,
    );
  }
  if (/returned error: 403/i.test(text)) {
    return make(
      'git-permission',
      `${host} denied the request to ${doing} ${repository} (403)${because}: give the token ${
        context.writing ? 'write' : 'read'
      } access to the repository`,
    );
  }
  if (
    /Could not resolve host|Connection refused|Connection timed out|Operation timed out|No route to host|Network is unreachable|Connection reset|Connection closed by/i.test(
      text,
    ) &&
    !context.writing
  ) {
    return make(
      'git-unreachable',
      `could not reach ${host} to ${doing} ${repository}${because}; the next cycle retries`,
    );
  }
  if (
    /returned error: 404|Repository not found|does not appear to be a git repository/i.test(
      text,
    )
  ) {
    return make(
      'git-not-found',
      `${host} has no repository ${repository}${because}: check image-automation/repo, and that the credentials can see it`,
    );
  }
  if (
    context.writing &&
    /Could not read from remote repository|remote end hung up|fatal/i.test(text)
  ) {
    return make(
      'git-permission',
      `${host} refused to let the ${
        context.transport === 'ssh' ? 'deploy key' : 'token'
      } ${doing} ${repository}${because}: give it write access to the repository (push and push-branch write to it)`,
    );
  }
  return make(
    'git-unreachable',
    `git could not ${doing} ${repository}${because}; the next cycle retries`,
  );
}

/** git's and the server's meaningful lines, without git's generic advice. */
export function serverWords(stderr: string): string {
  return stderr
    .split('\n')
    .map(line => line.replace(/^(remote: |fatal: |error: )+/, '').trim())
    .filter(
      line =>
        line &&
        !/^hint:/.test(line) &&
        !/^Please make sure you have the correct access rights/.test(line) &&
        !/^Could not read from remote repository\.?$/.test(line) &&
        !/^and the repository exists\.?$/.test(line) &&
        !/^warning: filtering not recognized/.test(line) &&
        !/^To /.test(line),
    )
    .join('; ')
    .slice(0, 400);
}

function hostName(host: string): string {
  return host.replace(/:\d+$/, '');
}

function portOption(host: string): string {
  const port = /:(\d+)$/.exec(host)?.[1];
  return port ? ` -p ${port}` : '';
}
