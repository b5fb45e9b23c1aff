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
  ParsedAnnotations,
  parseAutomationConfigFile,
  parseEntityAnnotations,
} from '@image-automation/plugin-image-automation-common';
import { EntityDiscovery } from '../database/ImageAutomationStore';
import { MIN_SCAN_INTERVAL_MS } from '../scanning/RepositoryScanner';
import { GitManifestReader } from '../scm/GitManifestReader';

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
      gitReader?: GitManifestReader;
    },
  ) {}

  /** Every automated entity in the catalog, read page by page. */
  async discoverAll(seenAt: number): Promise<EntityDiscovery[]> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
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
      entities.push(...page.items);
      if (!page.pageInfo.nextCursor || page.items.length === 0) break;
      request = { cursor: page.pageInfo.nextCursor, limit: PAGE_SIZE };
    }
    return Promise.all(entities.map(entity => this.describe(entity, seenAt)));
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
    let parsed: ParsedAnnotations;
    try {
      parsed = parseEntityAnnotations(entity);
      if (parsed.configFile) parsed = await this.readConfigFile(entity, parsed);
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
        message: `is ${intervalMs / 1000}s; entities are checked at most once a minute, so 1m is used`,
        example: `${ANNOTATIONS.interval}: 5m`,
      });
      intervalMs = MIN_SCAN_INTERVAL_MS;
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
      mode: spec?.git.mode ?? modeFromAnnotation(entity),
      gitRepository: spec?.repository,
      spec,
      configProblems: problems,
      intervalMs,
      lastSeenAt: seenAt,
    };
  }

  /** The full form in a file of the entity's repository, cached by blob sha. */
  private async readConfigFile(
    entity: Entity,
    parsed: ParsedAnnotations,
  ): Promise<ParsedAnnotations> {
    const path = parsed.configFile!;
    const repository = parsed.repository;
    const problem = (message: string): ParsedAnnotations => ({
      problems: [...parsed.problems, { key: ANNOTATIONS.config, message }],
    });
    if (!repository)
      return problem(
        `names the file ${path}, but the entity has no repository to read it from`,
      );
    if (!this.options.gitReader)
      return problem(
        `names the file ${path}, but no Git integration is available to read it`,
      );
    try {
      const snapshot = await this.options.gitReader.read(repository, [path]);
      const file = snapshot.files.get(path);
      if (!file) {
        return problem(
          `names ${path}, which does not exist in ${snapshot.repository.fullName}@${snapshot.branch}`,
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
      return problem(
        `names ${path}, which could not be read: ${(error as Error).message}`,
      );
    }
  }
}

function relationTarget(entity: Entity, type: string): string | undefined {
  return entity.relations?.find(r => r.type === type)?.targetRef;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function modeFromAnnotation(entity: Entity): EntityDiscovery['mode'] {
  const mode = entity.metadata.annotations?.[ANNOTATIONS.mode];
  return mode === 'push' || mode === 'observe' ? mode : 'pull-request';
}
