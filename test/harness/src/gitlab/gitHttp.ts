import { spawn } from 'node:child_process';
import { IncomingMessage } from 'node:http';
import { hasScope, READ_GIT, TokenGrant, WRITE_GIT } from './auth';

/** A Git smart-HTTP request: `/<full path>.git/info/refs`, `/git-upload-pack`, `/git-receive-pack`. */
export interface GitHttpRequest {
  projectPath: string;
  /** `info/refs`, `git-upload-pack` or `git-receive-pack`. */
  action: string;
  service: 'upload-pack' | 'receive-pack';
}

const GIT_PATH = /^\/(.+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export function parseGitHttpPath(
  path: string,
  query: URLSearchParams,
): GitHttpRequest | undefined {
  const match = GIT_PATH.exec(path);
  if (!match) return undefined;
  const [, projectPath, action] = match;
  const service =
    action === 'info/refs'
      ? query.get('service')?.replace(/^git-/, '')
      : action.replace(/^git-/, '');
  if (service !== 'upload-pack' && service !== 'receive-pack') return undefined;
  return { projectPath: decodeURIComponent(projectPath), action, service };
}

export interface GitHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** GitLab's answer to Git over HTTP without a usable token: a Basic challenge. */
export const gitUnauthorized = (): GitHttpResponse => ({
  status: 401,
  headers: {
    'www-authenticate': 'Basic realm="GitLab"',
    'content-type': 'text/plain',
  },
  body: Buffer.from('HTTP Basic: Access denied\n'),
});

/** Which token scopes a Git service needs, and GitLab's words when they are missing. */
export function gitScopeDenied(
  grant: TokenGrant,
  service: GitHttpRequest['service'],
): GitHttpResponse | undefined {
  const accepted = service === 'receive-pack' ? WRITE_GIT : READ_GIT;
  if (hasScope(grant, accepted)) return undefined;
  return {
    status: 403,
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from(
      service === 'receive-pack'
        ? 'You are not allowed to push code to this project.\n'
        : 'You are not allowed to download code from this project.\n',
    ),
  };
}

/**
 * Serves one smart-HTTP request with `git http-backend` (CGI), so pushes and fetches are what
 * real git does on the server side: receive-pack applies each ref update only if the ref still
 * holds the old id the client sent (`--force-with-lease`), under git's own ref lock.
 */
export function runHttpBackend(
  projectRoot: string,
  path: string,
  query: string,
  req: IncomingMessage,
  body: Buffer,
  user: string,
): Promise<GitHttpResponse> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: path,
        QUERY_STRING: query.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: user,
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', chunk => out.push(chunk));
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('close', () => {
      const raw = Buffer.concat(out);
      let split = raw.indexOf('\r\n\r\n');
      let gap = 4;
      if (split < 0) {
        split = raw.indexOf('\n\n');
        gap = 2;
      }
      const head = split < 0 ? '' : raw.subarray(0, split).toString('latin1');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split(/\r?\n/).filter(Boolean)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      resolve({
        status,
        headers,
        body: split < 0 ? raw : raw.subarray(split + gap),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(body);
  });
}

/**
 * The pre-receive hook every emulated repository gets: GitLab refuses pushes to protected branches
 * with this message (its `/internal/allowed` check), listed one full ref per line in a file.
 */
export const PRE_RECEIVE_HOOK = `#!/bin/sh
protected="$GIT_DIR/emulator-protected-branches"
status=0
while read old new ref; do
  if [ -f "$protected" ] && grep -qxF "$ref" "$protected"; then
    echo "GitLab: You are not allowed to push code to protected branches on this project." >&2
    status=1
  fi
done
exit $status
`;
