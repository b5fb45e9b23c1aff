import type { WriteBackMode } from '../api';
import { remembered } from './remembered';
import { parseRepositoryUrl, repositoryMatchesGlob } from './repositoryUrl';

/** The operator's say over where entities may write (`imageAutomation.git`). */
export interface WriteBackPermissions {
  /** Globs on `host/path` an entity may name beyond its own repository. */
  allowedRepositories: string[];
  /** Globs on `host/path` where `push` and `push-branch` are allowed. */
  allowPush: string[];
}

/** Without `imageAutomation.git`: only an entity's own repository, through change requests. */
export const NO_WRITE_BACK_PERMISSIONS: WriteBackPermissions = Object.freeze({
  allowedRepositories: [],
  allowPush: [],
});

/** Whether an entity may use its repository, and its mode there; why not, in words. */
export interface WriteBackAuthorization {
  /** The repository may be read and written through change requests. */
  repository: { allowed: true } | { allowed: false; problem: string };
  /** The entity's mode is allowed in that repository. */
  mode: { allowed: true } | { allowed: false; problem: string };
}

interface AuthorizationInput {
  repository: string;
  /** The repository of `backstage.io/managed-by-location`, if any. */
  managedByRepository?: string;
  mode: WriteBackMode;
  permissions: WriteBackPermissions;
}

const answered = new WeakMap<
  WriteBackPermissions,
  Map<string, WriteBackAuthorization>
>();

/**
 * Decides, from the operator's config, whether an entity may use the
 * repository it names. By default only the repository its entity file is
 * registered from (`backstage.io/managed-by-location`) is allowed; others
 * need `allowedRepositories`; `push` and `push-branch` need `allowPush`.
 * Pure: the backend, `lint` and `plan` ask the same question.
 */
export function authorizeWriteBack(
  input: AuthorizationInput,
): WriteBackAuthorization {
  // Asked for every entity several times a cycle, about a few repositories:
  // answered once per permissions object and question.
  let answers = answered.get(input.permissions);
  if (!answers) {
    answers = new Map();
    answered.set(input.permissions, answers);
  }
  const key = `${input.repository}\u0000${
    input.managedByRepository ?? ''
  }\u0000${input.mode}`;
  // Frozen: every caller shares the one answer.
  return remembered(answers, key, () => {
    const answer = decide(input);
    Object.freeze(answer.repository);
    Object.freeze(answer.mode);
    return Object.freeze(answer);
  });
}

function decide(input: AuthorizationInput): WriteBackAuthorization {
  const { permissions, mode } = input;
  const target = parseRepositoryUrl(input.repository);
  const own = input.managedByRepository
    ? parseRepositoryUrl(input.managedByRepository)
    : undefined;
  let repository: WriteBackAuthorization['repository'] = { allowed: true };
  if (!target) {
    repository = {
      allowed: false,
      problem: `"${input.repository}" is not a repository URL; use e.g. https://github.com/acme/deploy`,
    };
  } else {
    const isOwn = own !== undefined && sameRepository(own.key, target.key);
    const listed = permissions.allowedRepositories.some(glob =>
      repositoryMatchesGlob(target.key, glob),
    );
    if (!isOwn && !listed) {
      repository = {
        allowed: false,
        problem: `${
          target.key
        } is not the repository this entity is registered from (${
          own?.key ?? 'no backstage.io/managed-by-location'
        }); an operator can allow it with imageAutomation.git.allowedRepositories: ['${
          target.key
        }']`,
      };
    }
  }
  let modeAllowed: WriteBackAuthorization['mode'] = { allowed: true };
  if (mode === 'push' || mode === 'push-branch') {
    const pushable =
      target !== undefined &&
      permissions.allowPush.some(glob =>
        repositoryMatchesGlob(target.key, glob),
      );
    if (!pushable) {
      modeAllowed = {
        allowed: false,
        problem: `mode ${mode} writes without review and is allowed only in repositories listed under imageAutomation.git.allowPush, which does not list ${
          target?.key ?? input.repository
        }; use mode pull-request, or ask an operator to add it to allowPush`,
      };
    }
  }
  return { repository, mode: modeAllowed };
}

function sameRepository(a: string, b: string): boolean {
  const [hostA, ...pathA] = a.split('/');
  const [hostB, ...pathB] = b.split('/');
  return (
    hostA.toLowerCase() === hostB.toLowerCase() &&
    pathA.join('/') === pathB.join('/')
  );
}
