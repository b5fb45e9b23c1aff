import { containsControlCharacter } from './controlCharacters';

/**
 * Why `name` cannot be a Git branch name (the rules of `git check-ref-format
 * --branch`), or undefined when it can.
 */
export function describeInvalidBranchName(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (name.startsWith('refs/'))
    return 'give the branch name without "refs/heads/"';
  if (containsControlCharacter(name) || /[ ~^:?*[\\]/.test(name)) {
    return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  }
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{') || name === '@') return 'it contains "@{" or is "@"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'it has an empty path component (a leading, trailing or double "/")';
  }
  if (name.endsWith('.')) return 'it ends with "."';
  if (name.startsWith('-')) return 'it starts with "-"';
  for (const component of name.split('/')) {
    if (component.startsWith('.'))
      return `its component ${JSON.stringify(component)} starts with "."`;
    if (component.endsWith('.lock'))
      return `its component ${JSON.stringify(component)} ends with ".lock"`;
  }
  return undefined;
}
