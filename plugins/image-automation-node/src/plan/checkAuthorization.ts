import { Config } from '@backstage/config';
import {
  ANNOTATIONS,
  ConfigProblem,
  EntityLike,
  WriteBackMode,
  WriteBackPermissions,
  authorizeWriteBack,
  parseRepositoryUrl,
} from '@image-automation/plugin-image-automation-common';

/** Where the catalog says an entity file was registered from. */
const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';

/** The operator's say over repositories and modes, from an app-config (`imageAutomation.git`). */
export function readWriteBackPermissions(config: Config): WriteBackPermissions {
  return {
    allowedRepositories:
      config.getOptionalStringArray(
        'imageAutomation.git.allowedRepositories',
      ) ?? [],
    allowPush:
      config.getOptionalStringArray('imageAutomation.git.allowPush') ?? [],
  };
}

/**
 * What the backend would refuse to write for this entity, as config
 * problems: a repository that is neither the one the entity file is
 * registered from nor in `allowedRepositories`, or `push`/`push-branch`
 * outside `allowPush`. The entity's own repository is its
 * `backstage.io/managed-by-location`, else `registeredFrom`; when neither is
 * known only the mode is checked, and a note says so.
 */
export function checkAuthorization(input: {
  entity: EntityLike;
  repository?: string;
  mode: WriteBackMode;
  permissions: WriteBackPermissions;
  registeredFrom?: string;
}): { problems: ConfigProblem[]; notes: string[] } {
  const { entity, repository, mode, permissions } = input;
  if (!repository) return { problems: [], notes: [] };
  const location = entity.metadata.annotations?.[MANAGED_BY_LOCATION];
  const own =
    (location?.startsWith('url:') && parseRepositoryUrl(location)?.cloneUrl) ||
    input.registeredFrom;
  const verdict = authorizeWriteBack({
    repository,
    managedByRepository: own,
    mode,
    permissions,
  });
  const problems: ConfigProblem[] = [];
  const notes: string[] = [];
  if (!verdict.repository.allowed) {
    if (own) {
      problems.push({
        key: ANNOTATIONS.repo,
        message: verdict.repository.problem,
      });
    } else {
      notes.push(
        `the repository the entity file is registered from is not known here: pass --registered-from URL to check ${ANNOTATIONS.repo} against imageAutomation.git.allowedRepositories`,
      );
    }
  }
  if (!verdict.mode.allowed) {
    problems.push({ key: ANNOTATIONS.mode, message: verdict.mode.problem });
  }
  return { problems, notes };
}
