import { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityImageAutomation } from '@image-automation/plugin-image-automation-common';
import { ImageAutomationStore } from '../database/ImageAutomationStore';
import { entityResponseOf } from './responses';

/** How long another replica's changes may take to show here. */
const REFRESH_MS = 10_000;
/** Above this many entities the answers come from the database each time. */
const MAX_ENTITIES = 50_000;

/**
 * The entity status answers, kept in memory: the card is read far more often
 * than a cycle changes it, and one bulk load (three queries) costs less than
 * a query per card view.
 *
 * - Changes made by this replica's engine are never served stale: the engine
 *   marks the entities it checked, and their next answer is read fresh.
 * - Changes made by another replica show within REFRESH_MS: an older model
 *   is reloaded in the background while the previous one keeps answering.
 * - An entity missing from the model (new since the last load) is read fresh.
 */
export class EntityStatusReadModel {
  private views = new Map<string, EntityImageAutomation>();
  private loadedAt: number | undefined;
  private loading: Promise<void> | undefined;
  /** Entity → invalidation count: a fresh read clears only what it saw. */
  private readonly stale = new Map<string, number>();
  private tooLarge = false;

  constructor(
    private readonly store: ImageAutomationStore,
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
  ) {}

  async get(entityRef: string): Promise<EntityImageAutomation | undefined> {
    // Past MAX_ENTITIES a full load is only retried now and then, in case
    // the catalog shrank.
    const refreshMs = this.tooLarge ? 60 * REFRESH_MS : REFRESH_MS;
    if (this.loadedAt === undefined) {
      await this.reload();
    } else if (this.now() - this.loadedAt > refreshMs) {
      this.reload().catch(() => {});
    }
    const known = this.views.get(entityRef);
    if (known && !this.stale.has(entityRef) && !this.tooLarge) return known;
    return this.readFresh(entityRef);
  }

  /** Called by the engine with the entities whose stored status changed. */
  invalidate(entityRefs: string[]): void {
    for (const ref of entityRefs) this.stale.set(ref, (this.stale.get(ref) ?? 0) + 1);
  }

  private async readFresh(entityRef: string) {
    const seen = this.stale.get(entityRef);
    const view = await this.store.getEntityView(entityRef);
    const answer = view ? entityResponseOf(view) : undefined;
    if (!this.tooLarge) {
      if (answer) this.views.set(entityRef, answer);
      else this.views.delete(entityRef);
    }
    if (this.stale.get(entityRef) === seen) this.stale.delete(entityRef);
    return answer;
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      const startedAt = this.now();
      try {
        const views = await this.store.listEntityViews();
        this.tooLarge = views.length > MAX_ENTITIES;
        this.views = this.tooLarge
          ? new Map()
          : new Map(views.map(view => [view.entity.entityRef, entityResponseOf(view)]));
        this.loadedAt = startedAt;
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
