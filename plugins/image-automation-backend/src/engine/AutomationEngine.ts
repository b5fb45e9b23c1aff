import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ImageReference,
  PolicyEvaluation,
  PolicySpec,
  TagPolicy,
  createTagPolicy,
  decideImageUpdate,
  parseImageReference,
  repositoryOf,
} from '@image-automation/plugin-image-automation-common';

import {
  EntityRecord,
  HistoryEvent,
  ImageAutomationStore,
  ImageRecord,
  WriteBackRecord,
} from '../database/ImageAutomationStore';
import { CatalogDiscovery } from '../discovery/CatalogDiscovery';
import { ImageAutomationMetrics } from '../metrics';
import { RepositoryScanner, ScanOutcome } from '../scanning/RepositoryScanner';
import { BranchHead, GitManifestReader } from '../scm/GitManifestReader';
import { CurrentTag, CurrentTagReader } from './CurrentTagReader';
import { PendingUpdate, WriteBackHandler } from './WriteBackHandler';

/** Entities processed at the same time (Git reads and write-backs). */
const ENTITY_CONCURRENCY = 8;
/** Checked entities are stored at least this often during a cycle... */
const FLUSH_INTERVAL_MS = 2_000;
/** ...or whenever this many are waiting: a few statements per batch. */
const FLUSH_ENTITIES = 500;

export interface CycleReport {
  entities: number;
  checked: number;
  repositoriesScanned: number;
  updatesDue: number;
  removed: number;
  durationMs: number;
}

export interface AutomationEngineOptions {
  discovery: CatalogDiscovery;
  scanner: RepositoryScanner;
  gitReader?: GitManifestReader;
  store: ImageAutomationStore;
  logger: LoggerService;
  metrics: ImageAutomationMetrics;
  /** Interval for entities that set none. */
  defaultIntervalMs: number;
  writeBack?: WriteBackHandler;
  /** Told which entities' stored status changed (to drop cached answers). */
  onStatusChanged?: (entityRefs: string[]) => Promise<void>;
  now?: () => number;
}

/** One entity's automation, compiled for a cycle. */
interface CompiledImage {
  name: string;
  image: string;
  reference?: ImageReference;
  repository?: string;
  policy?: TagPolicy;
  problem?: string;
}

/**
 * The core loop: catalog → automations → one scan per image repository →
 * policy → the tag in Git → decision (→ write-back) → stored status.
 */
export class AutomationEngine {
  private readonly currentTags = new CurrentTagReader();
  private readonly now: () => number;

  constructor(private readonly options: AutomationEngineOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * A scheduled cycle: rediscovers the catalog, then checks what is due.
   * When `signal` aborts (the scheduler's timeout), entities not yet started
   * are left due for the next cycle instead of overrunning into it.
   */
  async runCycle(options: { signal?: AbortSignal } = {}): Promise<CycleReport> {
    const { discovery, store, logger, metrics } = this.options;
    const started = this.now();
    const discovered = await discovery.discoverAll(started);
    await store.saveDiscoveredEntities(discovered);
    const removed = await store.removeEntitiesNotSeenSince(started);
    if (removed.length) {
      logger.info(`Forgot ${removed.length} entities that left the catalog`);
      await this.options.onStatusChanged?.(removed);
    }

    const due = await store.listDueEntities(started);
    const result = await this.check(due, options.signal);
    const report = {
      entities: discovered.length,
      removed: removed.length,
      ...result,
      durationMs: this.now() - started,
    };
    metrics.recordCycle(report.durationMs, report.entities);
    logger.info(
      `Image automation cycle: ${report.checked}/${report.entities} entities checked, ${report.repositoriesScanned} repositories scanned, ${report.updatesDue} updates due, ${report.durationMs} ms`,
    );
    return report;
  }

  /**
   * Checks one entity now ("Check now"), rediscovering it first so an
   * annotation just fixed in the catalog takes effect. False when the entity
   * does not exist or asks for no automation.
   */
  async refreshEntity(entityRef: string): Promise<boolean> {
    const { discovery, store } = this.options;
    const discovered = await discovery.discoverOne(entityRef, this.now());
    if (!discovered) return false;
    await store.saveDiscoveredEntities([discovered]);
    await store.requestRefresh(entityRef, this.now());
    const entity = await store.getEntity(entityRef);
    if (!entity) return false;
    await this.check([entity]);
    return true;
  }

  private async check(entities: EntityRecord[], signal?: AbortSignal) {
    const { scanner, store } = this.options;
    const checkedAt = this.now();
    const compiled = compileAll(entities);

    const repositories = new Map<string, ImageReference>();
    for (const images of compiled.values()) {
      for (const image of images) {
        if (image.repository && image.reference)
          repositories.set(image.repository, image.reference);
      }
    }
    const scans = await scanner.scan(repositories);
    // Decisions see every tag this scan first saw as seen "now", not later.
    const decidedAt = this.now();
    const previousImages = groupBy(
      await store.listImages({ entityRefs: entities.map(e => e.entityRef) }),
      i => i.entityRef,
    );
    const writeBacks = new Map(
      (
        await store.listWriteBacks({
          entityRefs: entities.map(e => e.entityRef),
        })
      ).map(w => [w.entityRef, w]),
    );

    const heads = new Map<string, Promise<BranchHead>>();
    let updatesDue = 0;
    let checked = 0;
    let proposed = 0;
    // Results are stored in batches as entities finish, so a cycle slowed by
    // a struggling GitHub or registry shows what it has found so far.
    let pending: Array<{
      entity: EntityRecord;
      images: ImageRecord[];
      history: HistoryEvent[];
    }> = [];
    let lastFlush = this.now();
    let flushing = Promise.resolve();
    const flush = () => {
      const batch = pending;
      pending = [];
      lastFlush = this.now();
      flushing = flushing.then(() => this.storeResults(batch, checkedAt));
      return flushing;
    };
    // One evaluation per repository and policy, shared by every entity using both.
    const evaluations = new Map<string, PolicyEvaluation>();
    const evaluate = (
      repository: string,
      policy: TagPolicy,
      tags: Record<string, number>,
    ) => {
      const key = `${repository}\u0000${JSON.stringify(policy.spec)}`;
      let evaluation = evaluations.get(key);
      if (!evaluation) {
        evaluation = policy.evaluate(Object.keys(tags));
        evaluations.set(key, evaluation);
      }
      return evaluation;
    };
    await forEachLimited(entities, ENTITY_CONCURRENCY, async entity => {
      if (signal?.aborted) return;
      checked++;
      const result = await this.checkEntity(
        entity,
        compiled.get(entity.entityRef)!,
        {
          scans,
          heads,
          previous: previousImages.get(entity.entityRef) ?? [],
          writeBack: writeBacks.get(entity.entityRef),
          checkedAt: decidedAt,
          evaluate,
        },
      );
      pending.push({ entity, ...result });
      proposed += result.history.length;
      updatesDue += result.images.filter(
        i => i.state === 'update-available' || i.state === 'pr-open',
      ).length;
      if (
        pending.length >= FLUSH_ENTITIES ||
        this.now() - lastFlush >= FLUSH_INTERVAL_MS
      ) {
        await flush();
      }
    });
    await flush();

    if (checked < entities.length) {
      this.options.logger.warn(
        `Image automation cycle stopped by its timeout after ${checked} of ${entities.length} entities; the rest stay due`,
      );
    }
    this.options.metrics.recordUpdatesProposed(proposed);
    return {
      checked,
      repositoriesScanned: [...scans.values()].filter(s => s.scanned).length,
      updatesDue,
    };
  }

  /** Stores one batch of checked entities: their images, history and next due time. */
  private async storeResults(
    batch: Array<{
      entity: EntityRecord;
      images: ImageRecord[];
      history: HistoryEvent[];
    }>,
    checkedAt: number,
  ) {
    if (!batch.length) return;
    const { store } = this.options;
    const refs = batch.map(b => b.entity.entityRef);
    await store.replaceImages(
      refs,
      batch.flatMap(b => b.images),
    );
    await store.appendHistory(batch.flatMap(b => b.history));
    const intervals = new Map(
      batch.map(b => [
        b.entity.entityRef,
        b.entity.intervalMs ?? this.options.defaultIntervalMs,
      ]),
    );
    await store.markChecked(
      refs,
      checkedAt,
      ref => checkedAt + intervals.get(ref)!,
    );
    await this.options.onStatusChanged?.(refs);
  }

  private async checkEntity(
    entity: EntityRecord,
    compiled: CompiledImage[],
    context: {
      scans: Map<string, ScanOutcome>;
      heads: Map<string, Promise<BranchHead>>;
      previous: ImageRecord[];
      writeBack?: WriteBackRecord;
      checkedAt: number;
      evaluate: (
        repository: string,
        policy: TagPolicy,
        tags: Record<string, number>,
      ) => PolicyEvaluation;
    },
  ): Promise<{ images: ImageRecord[]; history: HistoryEvent[] }> {
    const { spec } = entity;
    if (!spec) return { images: [], history: [] };
    const { checkedAt } = context;

    // The tag in Git, read once per repository and branch per cycle.
    let current = new Map<string, CurrentTag>();
    let head: BranchHead | undefined;
    let gitError: { kind: string; message: string } | undefined;
    try {
      head = await this.branchHead(entity, context.heads);
      if (head) {
        const snapshot = await this.options.gitReader!.readFiles(head, [
          ...new Set(spec.images.flatMap(i => i.files)),
        ]);
        const policies = new Map(
          compiled.filter(c => c.policy).map(c => [c.name, c.policy!] as const),
        );
        current = this.currentTags.read(spec, snapshot, policies);
      }
    } catch (error) {
      gitError = {
        kind: (error as { kind?: string }).kind ?? 'git-unexpected',
        message: (error as Error).message,
      };
      this.options.logger.warn(
        `Reading manifests of ${entity.entityRef} failed: ${gitError.message}`,
        {
          entityRef: entity.entityRef,
        },
      );
    }

    const previous = new Map(context.previous.map(p => [p.imageName, p]));
    const records: ImageRecord[] = [];
    const history: HistoryEvent[] = [];
    const targetTags: Record<string, string> = {};
    const updates: PendingUpdate[] = [];

    for (const image of compiled) {
      const imageSpec = spec.images.find(i => i.name === image.name)!;
      const record: ImageRecord = {
        entityRef: entity.entityRef,
        imageName: image.name,
        repository: image.repository ?? image.image,
        image: image.image,
        policy: image.policy?.describe() ?? 'invalid policy',
        state: 'pending',
        updatedAt: checkedAt,
      };
      records.push(record);
      if (image.problem || !image.policy || !image.repository) {
        Object.assign(record, {
          state: 'error',
          errorKind: 'config',
          errorMessage: image.problem,
        });
        continue;
      }
      const scan = context.scans.get(image.repository)?.record;
      const here = current.get(image.name);
      record.currentTag = here?.tag;
      record.currentFile = here?.file;
      record.currentLine = here?.line;

      if (!scan?.tags) {
        Object.assign(record, {
          state: scan?.lastErrorKind ? 'error' : 'pending',
          errorKind: scan?.lastErrorKind,
          errorMessage: scan?.lastErrorMessage,
        });
        continue;
      }
      const decision = decideImageUpdate({
        policy: image.policy,
        tags: { firstSeen: scan.tags },
        evaluation: context.evaluate(image.repository, image.policy, scan.tags),
        currentTag: here?.tag,
        allowDowngrade: imageSpec.allowDowngrade,
        minimumAgeMs: imageSpec.minimumAgeMs,
        now: checkedAt,
      });
      record.latestTag = decision.latestTag;
      record.versionsBehind = decision.versionsBehind;
      record.message =
        [
          decision.message,
          here?.disagreement && `files disagree: ${here.disagreement}`,
          scan.lastErrorMessage &&
            `last scan failed, using tags from ${new Date(
              scan.lastSuccessAt ?? 0,
            ).toISOString()}: ${scan.lastErrorMessage}`,
        ]
          .filter(Boolean)
          .join('; ') || undefined;

      if (decision.noAllowedTag) {
        Object.assign(record, {
          state: 'error',
          errorKind: 'no-allowed-tag',
          errorMessage: `none of the ${decision.noAllowedTag.tagsListed} tags of ${image.repository} is allowed by ${decision.noAllowedTag.policy}: check the policy and the tags the registry lists`,
        });
      } else if (gitError || here?.problem) {
        Object.assign(record, {
          state: 'error',
          errorKind: gitError?.kind ?? 'manifest',
          errorMessage: gitError?.message ?? here?.problem,
        });
      } else if (decision.updateDue) {
        const before = previous.get(image.name);
        record.state = 'update-available';
        record.pendingSince =
          before?.latestTag === decision.latestTag && before?.pendingSince
            ? before.pendingSince
            : checkedAt;
        if (
          !before ||
          before.latestTag !== decision.latestTag ||
          before.state === 'up-to-date'
        ) {
          history.push({
            entityRef: entity.entityRef,
            imageName: image.name,
            event: 'update-available',
            fromTag: here?.tag,
            toTag: decision.latestTag,
            createdAt: checkedAt,
          });
        }
        updates.push({
          imageName: image.name,
          image: image.image,
          fromTag: here?.tag,
          toTag: decision.latestTag!,
        });
      } else {
        record.state = 'up-to-date';
      }
      if (record.latestTag) targetTags[image.name] = record.latestTag;
    }

    const writeBack = await this.writeBack(
      entity,
      head,
      targetTags,
      updates,
      context.writeBack,
    );
    for (const record of records) applyWriteBack(record, writeBack);
    return { images: records, history };
  }

  private async branchHead(
    entity: EntityRecord,
    heads: Map<string, Promise<BranchHead>>,
  ) {
    const { gitReader } = this.options;
    if (!gitReader || !entity.gitRepository) return undefined;
    const branch = entity.spec?.git.baseBranch;
    const key = `${entity.gitRepository}\u0000${branch ?? ''}`;
    let head = heads.get(key);
    if (!head) {
      head = gitReader.openBranch(entity.gitRepository, branch);
      heads.set(key, head);
    }
    return head;
  }

  private async writeBack(
    entity: EntityRecord,
    base: BranchHead | undefined,
    targetTags: Record<string, string>,
    updates: PendingUpdate[],
    previous: WriteBackRecord | undefined,
  ): Promise<WriteBackRecord | undefined> {
    const handler = this.options.writeBack;
    if (!handler || !base || !entity.spec || entity.mode === 'observe')
      return previous;
    try {
      return await handler.writeBack({
        entity,
        spec: entity.spec,
        base,
        targetTags,
        updates,
        previous,
      });
    } catch (error) {
      this.options.logger.error(
        `Write-back for ${entity.entityRef} failed: ${
          (error as Error).message
        }`,
        {
          entityRef: entity.entityRef,
        },
      );
      return previous;
    }
  }
}

/** Folds the write-back's state into an image row (PR open, write error). */
function applyWriteBack(
  record: ImageRecord,
  writeBack: WriteBackRecord | undefined,
) {
  if (!writeBack || record.state === 'error') return;
  const proposed = writeBack.targetTags?.[record.imageName];
  if (
    record.state === 'update-available' &&
    writeBack.prState === 'open' &&
    proposed === record.latestTag
  ) {
    record.state = 'pr-open';
  }
  if (writeBack.errorKind && record.state !== 'up-to-date') {
    Object.assign(record, {
      state: 'error',
      errorKind: writeBack.errorKind,
      errorMessage: writeBack.errorMessage,
    });
  }
}

/**
 * Compiles each entity's images, sharing one TagPolicy per distinct policy
 * spec: thousands of entities use a handful of policies.
 */
function compileAll(entities: EntityRecord[]): Map<string, CompiledImage[]> {
  const policies = new Map<string, TagPolicy | Error>();
  const policyFor = (spec: PolicySpec): TagPolicy => {
    const key = JSON.stringify(spec);
    let policy = policies.get(key);
    if (!policy) {
      try {
        policy = createTagPolicy(spec);
      } catch (error) {
        policy = error as Error;
      }
      policies.set(key, policy);
    }
    if (policy instanceof Error) throw policy;
    return policy;
  };
  return new Map(
    entities.map(entity => [
      entity.entityRef,
      (entity.spec?.images ?? []).map(image => {
        const compiled: CompiledImage = {
          name: image.name,
          image: image.image,
        };
        try {
          compiled.reference = parseImageReference(image.image);
          compiled.repository = repositoryOf(compiled.reference);
          compiled.policy = policyFor(image.policy);
        } catch (error) {
          compiled.problem = (error as Error).message;
        }
        return compiled;
      }),
    ]),
  );
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items)
    groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}
