import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  type QueryEntitiesRequest,
} from '@backstage/catalog-client';
import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATIONS,
  AutomationSpec,
  ConfigProblem,
  ParsedAnnotations,
  WriteBackPermissions,
  authorizeWriteBack,
  NO_WRITE_BACK_PERMISSIONS,
  parseAutomationConfigFile,
  parseEntityAnnotations,
  parseRepositoryUrl,
} from '@image-automation/plugin-image-automation-common';
import { EntityDiscovery } from '../domain/records';
import { MIN_SCAN_INTERVAL_MS } from '../scanning/RepositoryScanner';
import { GitError } from '../scm/GitError';
import type { GitHosts } from '../scm/port';

/** Where the catalog says an entity file was registered from. */
const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';
/** Git failures that pass: the stored spec is kept rather than wiped. */
const TRANSIENT_GIT_ERRORS = new Set(['git-unreachable', 'git-rate-limited']);

const PAGE_SIZE = 500;

/**
 * Finds the catalog entities that ask for image automation and turns their
 * annotations (or the config file they point at) into automation specs.
 * A broken entity becomes an entity with problems; it never stops the others.
 */
export class CatalogDiscovery {
  private readonly configFileCache = new Map<string, ParsedAnnotations>();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** Reads `image-automation/config` files from the entity's repository. */
      gitHosts?: GitHosts;
      /** The operator's say over repositories and modes (imageAutomation.git). */
      permissions?: WriteBackPermissions;
    },
  ) {}

  /** Every automated entity in the catalog, read page by page. */
  async discoverAll(seenAt: number): Promise<EntityDiscovery[]> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    // Each page is described as it arrives, so a page's entities (the
    // catalog's whole documents) are garbage before the next page is read,
    // not all held until the last one.
    const described: Array<Promise<EntityDiscovery>> = [];
    let request: QueryEntitiesRequest = {
      filter: [
        {
          [`metadata.annotations.${ANNOTATIONS.image}`]: CATALOG_FILTER_EXISTS,
        },
        {
          [`metadata.annotations.${ANNOTATIONS.config}`]: CATALOG_FILTER_EXISTS,
        },
      ],
      limit: PAGE_SIZE,
    };
    for (;;) {
      const page = await catalog.queryEntities(request, { credentials });
      for (const entity of page.items) {
        described.push(this.describe(entity, seenAt));
      }
      if (!page.pageInfo.nextCursor || page.items.length === 0) break;
      request = { cursor: page.pageInfo.nextCursor, limit: PAGE_SIZE };
    }
    return Promise.all(described);
  }

  /** One entity, for a manual refresh. Undefined when it left the catalog. */
  async discoverOne(
    entityRef: string,
    seenAt: number,
  ): Promise<EntityDiscovery | undefined> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    return entity ? this.describe(entity, seenAt) : undefined;
  }

  private async describe(
    entity: Entity,
    seenAt: number,
  ): Promise<EntityDiscovery> {
    const entityRef = stringifyEntityRef(entity);
    let parsed: ParsedAnnotations & { transient?: boolean };
    const managedByRepository = managedByRepositoryOf(entity);
    try {
      parsed = parseEntityAnnotations(entity);
      if (parsed.configFile) {
        parsed = await this.readConfigFile(entity, parsed, managedByRepository);
      }
    } catch (error) {
      // A defect in parsing must cost one entity, never the cycle.
      this.options.logger.error(
        `Parsing the annotations of ${entityRef} failed`,
        {
          entityRef,
          error: String(error),
        },
      );
      parsed = {
        problems: [
          {
            key: ANNOTATIONS.config,
            message: `could not be parsed: ${(error as Error).message}`,
          },
        ],
      };
    }
    const spec: AutomationSpec | undefined = parsed.spec;
    const problems = [...parsed.problems];
    let intervalMs = spec?.intervalMs;
    if (intervalMs !== undefined && intervalMs < MIN_SCAN_INTERVAL_MS) {
      // The floor that keeps anyone from hammering a registry.
      problems.push({
        key: ANNOTATIONS.interval,
        message: `is ${
          intervalMs / 1000
        }s; entities are checked at most once a minute, so 1m is used`,
        example: `${ANNOTATIONS.interval}: 5m`,
      });
      intervalMs = MIN_SCAN_INTERVAL_MS;
    }
    const mode = spec?.git.mode ?? modeFromAnnotation(entity);
    const repository = spec?.repository ?? parsed.repository;
    if (repository) {
      for (const p of this.authorizationProblems(
        repository,
        managedByRepository,
        mode,
      )) {
        if (!problems.some(q => q.message.includes(p.message)))
          problems.push(p);
      }
    }
    return {
      entityRef,
      title: entity.metadata.title ?? entity.metadata.name,
      owner:
        relationTarget(entity, RELATION_OWNED_BY) ??
        stringOrUndefined(entity.spec?.owner),
      system:
        relationTarget(entity, RELATION_PART_OF) ??
        stringOrUndefined(entity.spec?.system),
      mode,
      gitRepository: spec?.repository,
      managedByRepository,
      spec,
      configProblems: problems,
      intervalMs,
      lastSeenAt: seenAt,
      ...(parsed.transient ? { specUnreadable: true } : {}),
    };
  }

  /** A repository or mode the operator does not allow, as config problems (never a silent skip). */
  private authorizationProblems(
    repository: string,
    managedByRepository: string | undefined,
    mode: EntityDiscovery['mode'],
  ): ConfigProblem[] {
    const authorization = authorizeWriteBack({
      repository,
      managedByRepository,
      mode,
      permissions: this.options.permissions ?? NO_WRITE_BACK_PERMISSIONS,
    });
    const problems: ConfigProblem[] = [];
    if (!authorization.repository.allowed) {
      problems.push({
        key: ANNOTATIONS.repo,
        message: authorization.repository.problem,
      });
    }
    if (!authorization.mode.allowed) {
      problems.push({
        key: ANNOTATIONS.mode,
        message: authorization.mode.problem,
      });
    }
    return problems;
  }

  /** The full form in a file of the entity's repository, cached by blob sha. */
  private async readConfigFile(
    entity: Entity,
    parsed: ParsedAnnotations,
    managedByRepository: string | undefined,
  ): Promise<ParsedAnnotations & { transient?: boolean }> {
    const path = parsed.configFile!;
    const repository = parsed.repository;
    const problem = (message: string, transient = false) => ({
      problems: [...parsed.problems, { key: ANNOTATIONS.config, message }],
      repository,
      transient,
    });
    if (!repository)
      return problem(
        `names the file ${path}, but the entity has no repository to read it from`,
      );
    if (!this.options.gitHosts)
      return problem(
        `names the file ${path}, but no Git integration is available to read it`,
      );
    // A repository the entity may not use is not read, not even for its config.
    const refused = this.authorizationProblems(
      repository,
      managedByRepository,
      'observe',
    );
    if (refused.length) {
      return problem(
        `names ${path} in a repository the entity may not use: ${refused[0].message}`,
      );
    }
    try {
      const git = await this.options.gitHosts.open(repository);
      const branch = await git.defaultBranch();
      const head = await git.openBranch(branch);
      const snapshot = head ? await git.readFiles(head, [path]) : undefined;
      const file = snapshot?.files.get(path);
      if (!file) {
        return problem(
          `names ${path}, which does not exist in ${git.identity.displayName}@${branch}`,
        );
      }
      const cacheKey = `${stringifyEntityRef(entity)}\u0000${file.blobSha}`;
      let result = this.configFileCache.get(cacheKey);
      if (!result) {
        result = parseAutomationConfigFile(file.content, entity, path);
        this.configFileCache.set(cacheKey, result);
      }
      return { ...result, problems: [...parsed.problems, ...result.problems] };
    } catch (error) {
      const transient =
        error instanceof GitError && TRANSIENT_GIT_ERRORS.has(error.kind);
      return problem(
        `names ${path}, which could not be read: ${(error as Error).message}${
          transient ? '; the last spec read is kept meanwhile' : ''
        }`,
        transient,
      );
    }
  }
}

/** The repository of `backstage.io/managed-by-location` (`url:https://…/blob/main/catalog-info.yaml`). */
function managedByRepositoryOf(entity: Entity): string | undefined {
  const location = entity.metadata.annotations?.[MANAGED_BY_LOCATION];
  if (!location?.startsWith('url:')) return undefined;
  return parseRepositoryUrl(location)?.cloneUrl;
}

function relationTarget(entity: Entity, type: string): string | undefined {
  return entity.relations?.find(r => r.type === type)?.targetRef;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function modeFromAnnotation(entity: Entity): EntityDiscovery['mode'] {
  const mode = entity.metadata.annotations?.[ANNOTATIONS.mode];
  return mode === 'push' || mode === 'push-branch' || mode === 'observe'
    ? mode
    : 'pull-request';
}
