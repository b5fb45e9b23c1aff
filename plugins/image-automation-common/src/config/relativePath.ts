import { containsControlCharacter } from './controlCharacters';

/** The outcome of checking a path from the config: normalised, or why not. */
export type RelativePathCheck = { path: string } | { problem: string };

/**
 * Checks that `raw` names a file inside the repository and normalises it the
 * way the rewriting engine expects (`./deploy//a.yaml` → `deploy/a.yaml`).
 * Lexical only: the engine checks symlinks when it reads.
 */
export function checkRelativePath(raw: string): RelativePathCheck {
  const path = raw.trim();
  if (path.length === 0) return { problem: 'the path is empty' };
  if (containsControlCharacter(path)) {
    return { problem: `${JSON.stringify(path)} contains a control character` };
  }
  if (path.includes('\\')) {
    return {
      problem: `${JSON.stringify(
        path,
      )} contains a backslash; separate directories with "/"`,
    };
  }
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    return {
      problem: `${JSON.stringify(
        path,
      )} is absolute; give the path relative to the repository root`,
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    return {
      problem: `${JSON.stringify(
        path,
      )} is a URL; give the path relative to the repository root`,
    };
  }
  const segments = path.split('/');
  if (segments.includes('..')) {
    return {
      problem: `${JSON.stringify(path)} leaves the repository with ".."`,
    };
  }
  if (path.endsWith('/')) {
    return {
      problem: `${JSON.stringify(path)} names a directory; name each file`,
    };
  }
  const normalised = segments.filter(s => s !== '' && s !== '.').join('/');
  if (normalised.length === 0)
    return { problem: `${JSON.stringify(path)} names no file` };
  return { path: normalised };
}
