import { ManifestRewriteError } from './ManifestRewriteError';

/**
 * Checks that `path` names a file inside a repository: relative, already
 * normalised, no `..`, not absolute, no NUL. Returns it unchanged so callers
 * can use it inline. The check is lexical; the directory walker adds a
 * realpath check against symlinks.
 */
export function assertSafeRelativePath(path: string): string {
  const refuse = (problem: string): never => {
    throw new ManifestRewriteError(
      `Unsafe path ${JSON.stringify(path)}: ${problem}; ` +
        'give a path relative to the repository root, e.g. "deploy/prod/deployment.yaml"',
    );
  };
  if (typeof path !== 'string' || path.length === 0) refuse('it is empty');
  if (path.includes('\0')) refuse('it contains a NUL character');
  if (path.includes('\\')) refuse('it contains a backslash');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) refuse('it is absolute');
  const segments = path.split('/');
  if (segments.includes('..')) refuse('it leaves the repository with ".."');
  if (segments.some(s => s === '' || s === '.')) {
    refuse('it is not normalised (empty or "." segments)');
  }
  return path;
}
