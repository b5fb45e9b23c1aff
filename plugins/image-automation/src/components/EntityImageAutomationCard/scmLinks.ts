import { Entity } from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';

/** Links into the entity's Git repository, where the SCM integrations know how to build them. */
export interface ScmLinks {
  repositoryUrl?: string;
  fileUrl(file: string, line?: number): string | undefined;
  commitUrl(sha: string): string | undefined;
  branchUrl(branch: string): string | undefined;
}

const LOCATION_ANNOTATIONS = [
  'backstage.io/source-location',
  'backstage.io/managed-by-location',
];

/**
 * Where a manifest of `repository` can be viewed. The entity's own location
 * gives the branch when it lies in the same repository; otherwise the
 * host's default branch (`HEAD`) in the URL shape of its integration type.
 * Nothing for repositories no integration knows: a wrong link is worse
 * than plain text.
 */
export function scmLinksFor(
  repository: string | undefined,
  entity: Entity | undefined,
  integrations: ScmIntegrationRegistry,
): ScmLinks {
  const none: ScmLinks = {
    fileUrl: () => undefined,
    commitUrl: () => undefined,
    branchUrl: () => undefined,
  };
  if (!repository || !/^https?:\/\//.test(repository)) return none;
  const integration = integrations.byUrl(repository);
  if (!integration) return none;
  const root = repository.replace(/\.git$/, '').replace(/\/+$/, '');
  const base =
    (entity && entityLocationIn(root, entity)) ??
    defaultBranchBase(root, integration.type);
  return {
    repositoryUrl: root,
    fileUrl: (file, line) =>
      base
        ? integrations.resolveUrl({
            url: `/${file.replace(/^\/+/, '')}`,
            base,
            lineNumber: line,
          })
        : undefined,
    commitUrl: sha => webPath(root, integration.type, 'commit', sha),
    branchUrl: branch => webPath(root, integration.type, 'branch', branch),
  };
}

/** A commit's or branch's page in the URL shape of the host's integration type. */
function webPath(
  root: string,
  type: string,
  what: 'commit' | 'branch',
  name: string,
): string | undefined {
  const ref = name.split('/').map(encodeURIComponent).join('/');
  switch (type) {
    case 'github':
      return `${root}/${what === 'commit' ? 'commit' : 'tree'}/${ref}`;
    case 'gitlab':
      return `${root}/-/${what === 'commit' ? 'commit' : 'tree'}/${ref}`;
    case 'gitea':
      return `${root}/${what === 'commit' ? 'commit' : 'src/branch'}/${ref}`;
    default:
      return undefined;
  }
}

function entityLocationIn(root: string, entity: Entity): string | undefined {
  for (const key of LOCATION_ANNOTATIONS) {
    const value = entity.metadata.annotations?.[key];
    const url = value?.replace(/^url:/, '');
    if (url && url.startsWith(`${root}/`)) return url;
  }
  return undefined;
}

function defaultBranchBase(root: string, type: string): string | undefined {
  switch (type) {
    case 'github':
    case 'gitea':
      return `${root}/blob/HEAD/`;
    case 'gitlab':
      return `${root}/-/blob/HEAD/`;
    default:
      return undefined;
  }
}
