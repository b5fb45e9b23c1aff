import { remembered } from './remembered';

/**
 * Where a Git repository lives, read from the three ways people write it:
 * `https://host/owner/repo(.git)`, `ssh://user@host[:port]/path(.git)` and
 * scp-like `user@host:path(.git)`. Pure: used by the annotation validator,
 * the CLI and the backend's host routing alike.
 */
export interface RepositoryLocation {
  /** How the URL reaches the host. */
  protocol: 'https' | 'http' | 'ssh';
  /** `host` or `host:port`, lower-cased, as written in the URL. */
  host: string;
  /** The repository path without leading slash or `.git`: `acme/deploy`, `group/sub/project`. */
  path: string;
  /** The SSH user (`git` in `git@host:path`); undefined for HTTP(S). */
  user?: string;
  /** `host/path`: what `allowedRepositories` and `allowPush` globs match. */
  key: string;
  /** The URL to clone or push with, normalised (HTTPS without tree paths). */
  cloneUrl: string;
}

/** Parses kept: a cycle asks about the same few URLs for thousands of entities. */
const parsed = new Map<string, RepositoryLocation | undefined>();
/** Globs come from config: a handful, each compiled once. */
const segmentPatterns = new Map<string, RegExp>();

const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

/**
 * Parses a repository URL; undefined when it is none of the three forms or
 * names no path. For HTTP(S), Backstage source locations such as
 * `https://github.com/acme/deploy/tree/main/` keep only `owner/repo` when the
 * URL has a `/tree/`, `/blob/` or `/-/` segment (GitHub, GitLab web paths).
 */
export function parseRepositoryUrl(
  input: string,
): RepositoryLocation | undefined {
  const location = remembered(parsed, input, parseUncached);
  // A copy: the caller may change it, the cache keeps what was parsed.
  return location && { ...location };
}

function parseUncached(input: string): RepositoryLocation | undefined {
  const text = input.trim().replace(/^url:/, '');
  const scp = SCP_LIKE.exec(text);
  if (scp && !text.includes('://')) {
    const [, user, hostName, rawPath] = scp;
    const path = cleanPath(rawPath);
    if (!path) return undefined;
    const host = hostName.toLowerCase();
    return {
      protocol: 'ssh',
      host,
      path,
      user,
      key: `${host}/${path}`,
      cloneUrl: `${user}@${host}:${path}.git`,
    };
  }
  // URL parsing resolves `..` away; a path that names one is refused outright.
  if (/\/\.\.?(\/|$)/.test(text.replace(/^[a-z]+:\/\//i, ''))) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const protocol = url.protocol.replace(/:$/, '');
  if (protocol !== 'https' && protocol !== 'http' && protocol !== 'ssh') {
    return undefined;
  }
  const host = url.host.toLowerCase();
  if (!host) return undefined;
  let segments = decodeURIComponent(url.pathname).split('/').filter(Boolean);
  if (protocol !== 'ssh') {
    const web = segments.findIndex(
      s => s === 'tree' || s === 'blob' || s === '-',
    );
    if (web > 0) segments = segments.slice(0, web);
  }
  const path = cleanPath(segments.join('/'));
  if (!path || (protocol !== 'ssh' && !path.includes('/'))) return undefined;
  const user = protocol === 'ssh' ? url.username || undefined : undefined;
  const cloneUrl =
    protocol === 'ssh'
      ? `ssh://${user ? `${user}@` : ''}${host}/${path}.git`
      : `${protocol}://${host}/${path}`;
  return { protocol, host, path, user, key: `${host}/${path}`, cloneUrl };
}

function cleanPath(path: string): string | undefined {
  const cleaned = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (!cleaned) return undefined;
  const parts = cleaned.split('/');
  if (parts.some(p => p === '' || p === '.' || p === '..')) return undefined;
  return cleaned;
}

/**
 * Whether `key` (`host/path`) matches a glob of `allowedRepositories` /
 * `allowPush`: `*` stands for any characters within one path segment, `**`
 * for any number of segments; matching ignores case in the host only.
 */
export function repositoryMatchesGlob(key: string, glob: string): boolean {
  const [globHost, ...globPath] = glob.trim().split('/');
  const [keyHost, ...keyPath] = key.split('/');
  if (!segmentMatches(keyHost.toLowerCase(), globHost.toLowerCase())) {
    return false;
  }
  return pathMatches(keyPath, globPath);
}

function pathMatches(path: string[], glob: string[]): boolean {
  if (glob.length === 0) return path.length === 0;
  const [first, ...rest] = glob;
  if (first === '**') {
    for (let i = 0; i <= path.length; i++) {
      if (pathMatches(path.slice(i), rest)) return true;
    }
    return false;
  }
  return (
    path.length > 0 &&
    segmentMatches(path[0], first) &&
    pathMatches(path.slice(1), rest)
  );
}

function segmentMatches(segment: string, glob: string): boolean {
  return remembered(segmentPatterns, glob, segmentPattern).test(segment);
}

function segmentPattern(glob: string): RegExp {
  const pattern = glob
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${pattern}$`);
}
