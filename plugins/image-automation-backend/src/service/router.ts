import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityImageAutomation,
  HealthResponse,
  IMAGE_STATES,
  OverviewResponse,
  imageAutomationRefreshPermission,
} from '@image-automation/plugin-image-automation-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ImageAutomationStore } from '../database/ImageAutomationStore';
import { AutomationEngine } from '../engine/AutomationEngine';
import { EntityStatusReadModel } from './EntityStatusReadModel';
import { overviewEntryOf, registryOf } from './responses';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: ImageAutomationStore;
  engine: AutomationEngine;
  statusReadModel: EntityStatusReadModel;
  /**
   * Starts the scheduled cycle now ("Check now"): checks and writes happen
   * only inside that task. Undefined when cycles are disabled.
   */
  triggerCycle?: () => Promise<void>;
  /** How long a refresh waits for the triggered check before answering. */
  refreshWaitMs?: number;
  now?: () => number;
}

/** How often a waiting refresh looks whether its check is done. */
const REFRESH_POLL_MS = 250;

const entityParams = z.object({
  kind: z.string().min(1).max(255),
  namespace: z.string().min(1).max(255),
  name: z.string().min(1).max(255),
});

/** A query parameter given zero, one or several times, as a list. */
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform(v => [v ?? []].flat());

const overviewQuery = z.object({
  owner: list,
  state: list.pipe(z.array(z.enum(IMAGE_STATES as [string, ...string[]]))),
  registry: list,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .map(i => `${i.path.join('.') || 'request'}: ${i.message}`)
        .join('; '),
    );
  }
  return result.data;
}

/** Turns HTTP requests into calls on the store and the engine (SPEC §7). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, store, engine, statusReadModel } =
    options;
  const now = options.now ?? Date.now;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  /**
   * The entity as the caller may see it: the catalog enforces read
   * permission, and an unreadable entity looks exactly like a missing one.
   */
  async function readableEntityRef(req: express.Request): Promise<string> {
    const params = parse(entityParams, req.params);
    const entityRef = stringifyEntityRef(params);
    const credentials = await httpAuth.credentials(req);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity)
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return entityRef;
  }

  async function entityResponse(
    entityRef: string,
  ): Promise<EntityImageAutomation> {
    const answer = await statusReadModel.get(entityRef);
    if (!answer) {
      throw new NotFoundError(
        `${entityRef} has not been checked for image automation yet: it needs image-automation/image or image-automation/config annotations, and is picked up by the next cycle`,
      );
    }
    return answer;
  }

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    res.json(await entityResponse(await readableEntityRef(req)));
  });

  router.post('/entities/:kind/:namespace/:name/refresh', async (req, res) => {
    const entityRef = await readableEntityRef(req);
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [
        {
          permission: imageAutomationRefreshPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not check the images of ${entityRef} now`,
      );
    }
    const requestedAt = now();
    if (!(await engine.requestRefresh(entityRef))) {
      throw new NotFoundError(`${entityRef} asks for no image automation`);
    }
    if (options.triggerCycle) {
      await options.triggerCycle();
      // Answer with the result when the cycle gets to it soon; otherwise
      // with the state so far (the check stays requested and runs next).
      const deadline = now() + (options.refreshWaitMs ?? 30_000);
      while (now() < deadline) {
        const entity = await store.getEntity(entityRef);
        if ((entity?.lastCheckedAt ?? -1) >= requestedAt) break;
        await new Promise(resolve => setTimeout(resolve, REFRESH_POLL_MS));
      }
      await statusReadModel.invalidate([entityRef]);
    }
    res.json(await entityResponse(entityRef));
  });

  router.get('/overview', async (req, res) => {
    const query = parse(overviewQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    const owners = new Set(query.owner.map(o => o.toLocaleLowerCase('en-US')));
    const candidates = (await store.listEntityViews())
      .filter(
        ({ entity }) =>
          !owners.size ||
          (entity.owner && owners.has(entity.owner.toLocaleLowerCase('en-US'))),
      )
      .filter(
        ({ images }) =>
          !query.state.length ||
          images.some(i => query.state.includes(i.state)),
      )
      .filter(
        ({ images }) =>
          !query.registry.length ||
          images.some(i => query.registry.includes(registryOf(i.repository))),
      );

    // Nobody sees the images of an entity they may not read.
    const readable = await catalog.getEntitiesByRefs(
      {
        entityRefs: candidates.map(c => c.entity.entityRef),
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    const visible = candidates.filter((_, index) => readable.items[index]);
    const body: OverviewResponse = {
      items: visible
        .slice(query.offset, query.offset + query.limit)
        .map(({ entity, images, writeBack }) =>
          overviewEntryOf(entity, images, writeBack),
        ),
      totalItems: visible.length,
      offset: query.offset,
      limit: query.limit,
    };
    res.json(body);
  });

  return router;
}
