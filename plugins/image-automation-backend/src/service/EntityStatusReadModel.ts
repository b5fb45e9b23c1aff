import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  EntityImageAutomation,
  OverviewEntry,
} from '@image-automation/plugin-image-automation-common';
import { ImageAutomationStore } from '../database/ImageAutomationStore';
import { EntityView } from '../domain/records';
import { entityResponseOf, overviewEntryOf } from './responses';

/** How long another replica's changes may take to show here. */
const REFRESH_MS = 10_000;
/** Above this many entities the answers come from the database each time. */
const MAX_ENTITIES = 50_000;

/** An entity whose stored status changed, as the endpoints now answer it. */
export interface EntityStatusChange {
  entityRef: string;
  /** Undefined when the entity left (it is no longer automated). */
  status?: EntityImageAutomation;
  overview?: OverviewEntry;
}

/** Told about every change this replica's engine makes; errors are logged, never thrown at the engine. */
export type EntityStatusListener = (
  changes: EntityStatusChange[],
) => Promise<void>;

/** One entity as both endpoints answer it. */
interface EntityAnswers {
  entity: EntityImageAutomation;
  overview: OverviewEntry;
}

const answersOf = (view: EntityView): EntityAnswers => ({
  entity: entityResponseOf(view),
  overview: overviewEntryOf(view.entity, view.images, view.writeBack),
});

/**
 * The entity status and overview answers, kept in memory: the card and the
 * overview are read far more often than a cycle changes them, and one bulk
 * load (three queries) costs less than a query per card view, or a full
 * read per overview page.
 *
 * - Changes made by this replica's engine are never served stale: the engine
 *   marks the entities it checked, and their next answer is read fresh (the
 *   overview reloads once for all of them).
 * - Changes made by another replica show within REFRESH_MS: an older model
 *   is reloaded in the background while the previous one keeps answering.
 * - An entity missing from the model (new since the last load) is read fresh.
 */
export class EntityStatusReadModel {
  private answers = new Map<string, EntityAnswers>();
  private loadedAt: number | undefined;
  private loading: Promise<void> | undefined;
  /** Entity → invalidation count: a fresh read clears only what it saw. */
  private readonly stale = new Map<string, number>();
  private tooLarge = false;
  private readonly listeners: EntityStatusListener[] = [];

  constructor(
    private readonly store: ImageAutomationStore,
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
  ) {}

  async get(entityRef: string): Promise<EntityImageAutomation | undefined> {
    await this.ensureLoaded();
    const known = this.answers.get(entityRef);
    if (known && !this.stale.has(entityRef) && !this.tooLarge)
      return known.entity;
    return (await this.readFresh(entityRef))?.entity;
  }

  /** Every entity's overview row, current as {@link get} is. */
  async listOverview(): Promise<OverviewEntry[]> {
    if (this.tooLarge) {
      return (await this.store.listEntityViews()).map(
        view => answersOf(view).overview,
      );
    }
    await this.ensureLoaded();
    // After a cycle many entities are stale at once: one reload serves them all.
    if (this.stale.size > 0) await this.reload();
    for (const ref of [...this.stale.keys()]) await this.readFresh(ref);
    return [...this.answers.values()].map(a => a.overview);
  }

  /**
   * Called by the engine with the entities whose stored status changed. The
   * listeners hear of them with the new answers, read in one batch; the
   * engine runs the cycle once cluster-wide, so each change is told once.
   */
  async invalidate(entityRefs: string[]): Promise<void> {
    for (const ref of entityRefs)
      this.stale.set(ref, (this.stale.get(ref) ?? 0) + 1);
    if (this.listeners.length && entityRefs.length) {
      await this.announce(entityRefs);
    }
  }

  /** Adds a listener for the changes of {@link invalidate}. */
  onChange(listener: EntityStatusListener): void {
    this.listeners.push(listener);
  }

  private async announce(entityRefs: string[]) {
    let changes: EntityStatusChange[];
    try {
      const views = await this.store.listEntityViews({ entityRefs });
      const answers = new Map(
        views.map(view => [view.entity.entityRef, answersOf(view)]),
      );
      changes = entityRefs.map(entityRef => ({
        entityRef,
        status: answers.get(entityRef)?.entity,
        overview: answers.get(entityRef)?.overview,
      }));
    } catch (error) {
      this.logger.warn(`Reading changed entity statuses failed: ${error}`);
      return;
    }
    for (const listener of this.listeners) {
      try {
        await listener(changes);
      } catch (error) {
        this.logger.warn(`Handling entity status changes failed: ${error}`);
      }
    }
  }

  private async ensureLoaded() {
    // Past MAX_ENTITIES a full load is only retried now and then, in case
    // the catalog shrank.
    const refreshMs = this.tooLarge ? 60 * REFRESH_MS : REFRESH_MS;
    if (this.loadedAt === undefined) {
      await this.reload();
    } else if (this.now() - this.loadedAt > refreshMs) {
      this.reload().catch(() => {});
    }
  }

  private async readFresh(entityRef: string) {
    const seen = this.stale.get(entityRef);
    const view = await this.store.getEntityView(entityRef);
    const answers = view ? answersOf(view) : undefined;
    if (!this.tooLarge) {
      if (answers) this.answers.set(entityRef, answers);
      else this.answers.delete(entityRef);
    }
    if (this.stale.get(entityRef) === seen) this.stale.delete(entityRef);
    return answers;
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      const startedAt = this.now();
      // What was stale before the load began is fresh once it ends.
      const staleAtStart = new Map(this.stale);
      try {
        const views = await this.store.listEntityViews();
        this.tooLarge = views.length > MAX_ENTITIES;
        this.answers = this.tooLarge
          ? new Map()
          : new Map(
              views.map(view => [view.entity.entityRef, answersOf(view)]),
            );
        this.loadedAt = startedAt;
        for (const [ref, count] of staleAtStart) {
          if (this.stale.get(ref) === count) this.stale.delete(ref);
        }
      } catch (error) {
        this.logger.warn(`Loading entity statuses failed: ${error}`);
        this.loadedAt ??= startedAt;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
