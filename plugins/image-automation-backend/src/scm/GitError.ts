/**
 * Errors of the Git side (reading manifests, writing branches and pull
 * requests), each with a stable `kind` for the card and a message that says
 * what to do.
 */
export type GitErrorKind =
  | 'git-no-integration'
  | 'git-auth'
  | 'git-permission'
  | 'git-not-found'
  | 'git-protected-branch'
  | 'git-conflict'
  | 'git-rate-limited'
  | 'git-unreachable'
  | 'git-bad-repository';

export class GitError extends Error {
  readonly name = 'GitError';
  constructor(
    readonly kind: GitErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
