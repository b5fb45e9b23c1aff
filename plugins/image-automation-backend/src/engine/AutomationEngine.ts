import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AutomationSpec,
  FirstSeenTags,
  PolicyEvaluation,
  PolicySpec,
  TagPolicy,
  WriteBackPermissions,
  authorizeWriteBack,
  NO_WRITE_BACK_PERMISSIONS,
  buildTimeCandidates,
  createTagPolicy,
  parseImageReference,
  repositoryOf,
  ImageReference,
  TagFacts,
} from '@image-automation/plugin-image-automation-common';
import { MAX_MANIFEST_BYTES } from '@image-automation/plugin-image-automation-node';
import {
  ImageAutomationStore,
  SIGHTING_RESOLUTION_MS,
} from '../database/ImageAutomationStore';
import type {
  EntityDiscovery,
  EntityRecord,
  HistoryEvent,
  ImageRecord,
  RepositoryRecord,
  WriteBackRecord,
} from '../domain/records';
import { CatalogDiscovery } from '../discovery/CatalogDiscovery';
import { ImageAutomationMetrics } from '../metrics';
import {
  RepositoryScanner,
  SCHEDULE_TOLERANCE_MS,
} from '../scanning/RepositoryScanner';
import type {
  BranchHead,
  GitHosts,
  GitRepository,
  GitSnapshot,
} from '../scm/port';
import type { WriteBackHandler } from '../writeback/WriteBackHandler';
import { CheckInputs, CheckMemo, filesRead, writeBackRead } from './CheckMemo';
import { CurrentTagReader } from './CurrentTagReader';
import { CompiledImage, GitReading, evaluateEntity } from './evaluateEntity';
import { groupBy } from '../groupBy';
import { changedImages } from './imageChanges';
import { applyWriteBack } from './applyWriteBack';
import { Deferred, deferred, forEachWhenReady } from './forEachWhenReady';
import { RegistryFactsStore } from '../database/RegistryFactsStore';
import { BuildTimeResolver } from '../scanning/BuildTimeResolver';
import { CycleDigestReader } from '../scanning/CycleDigestReader';
import { planPushScans } from '../scanning/pushScanPlan';
import {
  DigestReading,
  digestLookupsOf,
  reflectDigests,
} from './reflectDigests';

/** Entities processed at the same time (Git reads and write-backs). */
const ENTITY_CONCURRENCY = 8;
/** Checked entities are stored at least this often during a cycle... */
const FLUSH_INTERVAL_MS = 2_000;
/** ...or whenever this many are waiting: a few statements per batch. */
const FLUSH_ENTITIES = 500;
/**
 * An entity missing from the catalog is kept this long before its change
 * request is closed and its rows forgotten: a catalog hiccup or a moved
 * entity file must not close reviewed pull requests.
 */
export const GONE_GRACE_MS = 24 * 60 * 60_000;

/** Extra passes a cycle makes for "Check now" requests that arrived while it ran. */
const MAX_REFRESH_PASSES = 2;
/** Extra passes a cycle makes for registry pushes that arrived while it ran. */
const MAX_PUSH_PASSES = 2;

export interface CycleReport {
  entities: number;
  checked: number;
  repositoriesScanned: number;
  updatesDue: number;
  removed: number;
  durationMs: number;
  /** Batches whose storing failed: their entities stay due. */
  failedBatches?: number;
  /** True when another cycle was already running in this process. */
  skipped?: boolean;
}

export interface AutomationEngineOptions {
  discovery: CatalogDiscovery;
  scanner: RepositoryScanner;
  gitHosts?: GitHosts;
  store: ImageAutomationStore;
  logger: LoggerService;
  metrics: ImageAutomationMetrics;
  /** Interval for entities that set none. */
  defaultIntervalMs: number;
  writeBack?: WriteBackHandler;
  /** The operator's say over repositories and modes; default: own repository only. */
  permissions?: WriteBackPermissions;
  /** Told which entities' stored status changed (to drop cached answers). */
  onStatusChanged?: (entityRefs: string[]) => Promise<void>;
  /**
   * What the registry tells beyond tag names: push events recorded by
   * webhooks, build times for newestBuild, digests for pinned images.
   */
  registryFacts?: {
    store: RegistryFactsStore;
    buildTimes: BuildTimeResolver;
    /** A fresh reader per cycle: one HEAD per chosen tag per cycle. */
    digestReader: () => CycleDigestReader;
  };
  /** Starts the scheduled cycle (scheduler.triggerTask), for pushes held back by the 10-second limit. */
  requestCycle?: () => Promise<void>;
  now?: () => number;
}

type CheckedEntity = {
  entity: EntityRecord;
  images: ImageRecord[];
  history: HistoryEvent[];
  /** The images stored before this check. */
  stored: ImageRecord[];
};

/** A repository and its base head, read once per cycle. */
interface OpenedBase {
  repository: GitRepository;
  head: BranchHead;
}

/**
 * The core loop: catalog → automations → one scan per image repository →
 * policy → the tag in Git → decision (→ write-back) → stored status. Runs
 * only inside the scheduled task, never twice at once in one process.
 */
export class AutomationEngine {
  private readonly currentTags = new CurrentTagReader();
  /** What each entity's last check read and decided, to answer an unchanged one. */
  private readonly memo = new CheckMemo();
  private readonly now: () => number;
  private running = false;
  /** The running cycle's digest reader, shared with the write-back's digestOf. */
  private cycleDigests?: CycleDigestReader;
  private heldPushTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly options: AutomationEngineOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * A scheduled cycle: rediscovers the catalog, then checks what is due.
   * When `signal` aborts (the scheduler's timeout), entities not yet started
   * are left due for the next cycle instead of overrunning into it.
   */
  async runCycle(options: { signal?: AbortSignal } = {}): Promise<CycleReport> {
    if (this.running) {
      this.options.logger.info(
        'An image automation cycle is already running in this process; skipping',
      );
      return {
        entities: 0,
        checked: 0,
        repositoriesScanned: 0,
        updatesDue: 0,
        removed: 0,
        durationMs: 0,
        skipped: true,
      };
    }
    this.running = true;
    try {
      let report = await this.runOnce(options.signal);
      // "Check now" asked while this cycle ran: those entities go next,
      // within the same task run, instead of waiting a whole interval.
      for (let pass = 0; pass < MAX_REFRESH_PASSES; pass++) {
        if (options.signal?.aborted) break;
        const waiting = (await this.options.store.listDueEntities(0)).filter(
          e => e.refreshRequestedAt !== undefined,
        );
        if (!waiting.length) break;
        const more = await this.runOnce(options.signal);
        report = {
          ...more,
          checked: report.checked + more.checked,
          durationMs: report.durationMs + more.durationMs,
        };
      }
      // Pushes that arrived while this cycle ran (their trigger found it
      // running) are acted on now, not at the next schedule.
      for (let pass = 0; pass < MAX_PUSH_PASSES; pass++) {
        if (options.signal?.aborted) break;
        if (!(await this.pushPlan()).due.length) break;
        const more = await this.runOnce(options.signal);
        report = {
          ...more,
          checked: report.checked + more.checked,
          durationMs: report.durationMs + more.durationMs,
        };
      }
      await this.scheduleHeldPushes();
      return report;
    } finally {
      this.running = false;
    }
  }

  /**
   * The digest a tag points at, for the write-back's pinned places: the
   * running cycle's reading when it made one, so a chosen tag costs one
   * HEAD per cycle however many steps need it.
   */
  async digestOf(
    image: ImageReference,
    tag: string,
    read: () => Promise<string>,
  ): Promise<string> {
    if (!this.cycleDigests) return read();
    return this.cycleDigests.digestOf(image, repositoryOf(image), tag);
  }

  private async pushPlan() {
    const facts = this.options.registryFacts?.store;
    if (!facts) return { due: [] as string[] };
    return planPushScans(await facts.listPendingPushes(), this.now());
  }

  /** Pushes held back by the 10-second limit start the cycle again once it has passed. */
  private async scheduleHeldPushes() {
    const { requestCycle, logger } = this.options;
    if (!requestCycle) return;
    const { retryInMs } = await this.pushPlan();
    if (retryInMs === undefined) return;
    if (this.heldPushTimer) clearTimeout(this.heldPushTimer);
    this.heldPushTimer = setTimeout(() => {
      this.heldPushTimer = undefined;
      requestCycle().catch(error =>
        logger.debug(
          `Could not start the cycle for held pushes: ${
            (error as Error).message
          }`,
        ),
      );
    }, retryInMs + 50);
    this.heldPushTimer.unref?.();
  }

  private async runOnce(signal?: AbortSignal): Promise<CycleReport> {
    const { discovery, store, logger, metrics } = this.options;
    const started = this.now();
    // Discovery, reads and write-backs of this cycle share each repository's head.
    this.options.gitHosts?.beginCycle();
    const discovered = await this.keepSpecsOnTransientErrors(
      await discovery.discoverAll(started),
    );
    // What the save returns is what is stored now: the due entities come
    // from it, not from reading them all again. Meanwhile the images are
    // compiled and the scan's stored records read, so the scan starts as
    // soon as the due entities are known.
    const saving = store.saveDiscoveredEntities(discovered);
    const compiledSpecs = new WeakMap<AutomationSpec, CompiledImages>();
    const scanKeys = [
      ...repositoriesOf(compileAll(discovered, compiledSpecs)).keys(),
    ];
    let storedScans = this.options.scanner.readStored(scanKeys);
    storedScans.catch(() => undefined);
    const saved = await saving;
    // A sighting lags by up to SIGHTING_RESOLUTION_MS: an entity is still
    // kept a whole grace period after it was last seen.
    const removed = await this.forgetGoneEntities(
      started - GONE_GRACE_MS - SIGHTING_RESOLUTION_MS,
    );
    // Removing entities may have pruned repositories read ahead above.
    if (removed.length) {
      storedScans = this.options.scanner.readStored(scanKeys);
      storedScans.catch(() => undefined);
    }

    const due = [
      ...new Map(
        saved
          .filter(
            e =>
              e.nextDueAt <= started + SCHEDULE_TOLERANCE_MS ||
              e.refreshRequestedAt !== undefined,
          )
          .map(e => [e.entityRef, e]),
      ).values(),
    ];
    // A push scans its repository now and checks only the entities using it.
    const pushes = await this.pushPlan();
    const facts = this.options.registryFacts?.store;
    if (facts && pushes.due.length) {
      const have = new Set(due.map(e => e.entityRef));
      const refs = (await facts.entityRefsUsing(pushes.due)).filter(
        ref => !have.has(ref),
      );
      if (refs.length)
        due.push(...(await store.listEntities({ entityRefs: refs })));
    }
    let result;
    try {
      // Checked "at" the cycle's start, before the due entities were read:
      // a "Check now" asked after that stays asked for.
      result = await this.check(due, signal, new Set(pushes.due), {
        checkedAt: started,
        compiledSpecs,
        storedScans,
      });
    } finally {
      // A failed check must not leave its digest readings to later callers.
      this.cycleDigests = undefined;
    }
    if (facts && pushes.due.length) {
      await facts.markPushesScanned(pushes.due, started);
    }
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
   * Records a "Check now" request, rediscovering the entity first so an
   * annotation just fixed in the catalog takes effect. The check itself runs
   * in the scheduled task (the caller triggers it): writes happen only there.
   * False when the entity does not exist or asks for no automation.
   */
  async requestRefresh(entityRef: string): Promise<boolean> {
    const { discovery, store } = this.options;
    const discovered = await discovery.discoverOne(entityRef, this.now());
    if (!discovered) return false;
    const [kept] = await this.keepSpecsOnTransientErrors([discovered]);
    await store.saveDiscoveredEntities([kept]);
    await store.requestRefresh(entityRef, this.now());
    return true;
  }

  /**
   * A config file that could not be read for a passing reason (the host
   * failed) keeps the entity's previous spec: its status is not wiped for a
   * 502. The problem is still shown.
   */
  private async keepSpecsOnTransientErrors(
    discovered: EntityDiscovery[],
  ): Promise<EntityDiscovery[]> {
    const unreadable = discovered.filter(d => d.specUnreadable);
    if (!unreadable.length) return discovered;
    const stored = new Map(
      (
        await this.options.store.listEntities({
          entityRefs: unreadable.map(d => d.entityRef),
        })
      ).map(e => [e.entityRef, e]),
    );
    return discovered.map(d => {
      const before = d.specUnreadable ? stored.get(d.entityRef) : undefined;
      if (!before?.spec) return d;
      return {
        ...d,
        spec: before.spec,
        mode: before.mode,
        gitRepository: before.gitRepository,
      };
    });
  }

  /** Closes the change requests of entities gone for the grace period, then forgets them. */
  private async forgetGoneEntities(seenBefore: number): Promise<string[]> {
    const { store, logger, writeBack, gitHosts } = this.options;
    const gone = await store.listEntitiesNotSeenSince(seenBefore);
    if (!gone.length) return [];
    if (writeBack && gitHosts) {
      const writeBacks = new Map(
        (
          await store.listWriteBacks({ entityRefs: gone.map(e => e.entityRef) })
        ).map(w => [w.entityRef, w]),
      );
      for (const entity of gone) {
        const previous = writeBacks.get(entity.entityRef);
        if (!previous) continue;
        try {
          const repository = await gitHosts.open(previous.gitRepository);
          await writeBack.closeForGoneEntity({ entity, repository, previous });
        } catch (error) {
          logger.warn(
            `Could not close the change request of ${
              entity.entityRef
            }, which left the catalog: ${(error as Error).message}`,
          );
        }
      }
    }
    const removed = await store.removeEntitiesNotSeenSince(seenBefore);
    for (const ref of removed) this.memo.forget(ref);
    if (removed.length) {
      logger.info(`Forgot ${removed.length} entities that left the catalog`);
      await this.options.onStatusChanged?.(removed);
    }
    return removed;
  }

  private async check(
    entities: EntityRecord[],
    signal: AbortSignal | undefined,
    pushed: ReadonlySet<string>,
    prepared: {
      checkedAt: number;
      compiledSpecs: WeakMap<AutomationSpec, CompiledImages>;
      storedScans: Promise<Map<string, RepositoryRecord>>;
    },
  ) {
    const { scanner, store, logger } = this.options;
    const { checkedAt } = prepared;
    const compiled = compileAll(entities, prepared.compiledSpecs);
    const repositories = repositoriesOf(compiled);
    // Git and the registries are read side by side: neither waits for the
    // other, and each entity is checked as soon as its own repositories are
    // scanned and its manifests read, while the rest of the scan goes on.
    const bases = new Map<string, Promise<OpenedBase | undefined>>();
    const prefetched = this.prefetchFiles(entities, bases);
    const refs = entities.map(e => e.entityRef);
    const storedImages = store.listImages({ entityRefs: refs });
    const storedWriteBacks = store.listWriteBacks({ entityRefs: refs });
    const scanRecords = new Map<string, RepositoryRecord>();
    const scanned = new Map<string, Deferred>();
    for (const key of repositories.keys()) scanned.set(key, deferred());
    const scanning = scanner.scan(repositories, signal, pushed, {
      onScanned: (key, outcome) => {
        scanRecords.set(key, outcome.record);
        scanned.get(key)?.resolve();
      },
      stored: prepared.storedScans,
    });
    // Once the scan is over nothing is left to wait for: a repository it
    // skipped (aborted) has no record, and a scan that failed as a whole
    // checks nothing more and fails the cycle below.
    let scanBroken = false;
    const scanOver = scanning.then(
      () => scanned.forEach(d => d.resolve()),
      () => {
        scanBroken = true;
        scanned.forEach(d => d.resolve());
      },
    );
    // Build times need the whole scan; only newestBuild images wait for them.
    const buildTimes = new Map<string, TagFacts>();
    const buildTimesRead = scanning.then(async scans => {
      const read = await this.resolveBuildTimes(compiled, scans);
      read.forEach((facts, key) => buildTimes.set(key, facts));
    });
    // Awaited at the end; a failure there must not go unhandled meanwhile.
    buildTimesRead.catch(() => undefined);
    this.cycleDigests = this.options.registryFacts?.digestReader();
    let storedRows: [ImageRecord[], WriteBackRecord[]];
    try {
      storedRows = await Promise.all([storedImages, storedWriteBacks]);
    } catch (error) {
      // Nothing is checked without what was stored; the scan still ends inside this cycle.
      await scanOver;
      throw error;
    }
    const previousImages = groupBy(storedRows[0], i => i.entityRef);
    const writeBacks = new Map(storedRows[1].map(w => [w.entityRef, w]));
    const buildTimesSettled = buildTimesRead.catch(() => undefined);
    const readyToCheck = (entity: EntityRecord) => {
      const images = compiled.get(entity.entityRef) ?? [];
      return [
        prefetched.get(prefetchKey(entity)),
        ...images.map(i =>
          i.repository ? scanned.get(i.repository)?.promise : undefined,
        ),
        images.some(i => i.policy?.spec.newestBuild)
          ? buildTimesSettled
          : undefined,
      ];
    };

    let updatesDue = 0;
    let checked = 0;
    let proposed = 0;
    let failedBatches = 0;
    // Results are stored in batches as entities finish, so a cycle slowed by
    // a struggling GitHub or registry shows what it has found so far. A batch
    // that fails to store costs only its own entities (they stay due).
    let pending: CheckedEntity[] = [];
    let lastFlush = this.now();
    let flushing = Promise.resolve();
    const flush = () => {
      const batch = pending;
      pending = [];
      lastFlush = this.now();
      flushing = flushing.then(async () => {
        const [outcome] = await Promise.allSettled([
          this.storeResults(batch, checkedAt),
        ]);
        if (outcome.status === 'rejected') {
          failedBatches++;
          logger.error(
            `Storing the results of ${
              batch.length
            } entities failed; they stay due: ${
              (outcome.reason as Error)?.message
            }`,
          );
        }
      });
      return flushing;
    };
    const factsOf = (repository: string, policy: TagPolicy) =>
      policy.spec.newestBuild
        ? buildTimes.get(
            buildTimeKey(repository, policy.spec.newestBuild.platform),
          )
        : undefined;
    // One evaluation per repository and policy, shared by every entity using both.
    const evaluations = new Map<string, PolicyEvaluation>();
    const evaluate = (
      repository: string,
      policy: TagPolicy,
      tags: FirstSeenTags,
    ) => {
      const key = `${repository}\u0000${JSON.stringify(policy.spec)}`;
      let evaluation = evaluations.get(key);
      if (!evaluation) {
        evaluation = policy.evaluate(tags.tags, factsOf(repository, policy));
        evaluations.set(key, evaluation);
      }
      return evaluation;
    };
    await forEachWhenReady(
      entities,
      readyToCheck,
      ENTITY_CONCURRENCY,
      async entity => {
        if (signal?.aborted || scanBroken) return;
        checked++;
        const stored = previousImages.get(entity.entityRef) ?? [];
        let result: { images: ImageRecord[]; history: HistoryEvent[] };
        try {
          result = await this.checkEntity(
            entity,
            compiled.get(entity.entityRef)!,
            {
              scans: scanRecords,
              bases,
              previous: stored,
              writeBack: writeBacks.get(entity.entityRef),
              // Decisions see every tag this scan first saw as seen "now", not later.
              checkedAt: this.now(),
              evaluate,
              factsOf,
              signal,
            },
          );
        } catch (error) {
          // A defect in one entity's check must cost that entity, never the cycle.
          logger.error(
            `Checking ${entity.entityRef} failed: ${(error as Error).message}`,
            { entityRef: entity.entityRef },
          );
          return;
        }
        pending.push({ entity, ...result, stored });
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
      },
    );
    await flush();
    await scanOver;
    const scans = await scanning;
    await buildTimesRead;
    await this.forgetDigestsOfDeletedTags(scans);
    await this.cycleDigests
      ?.save()
      .catch(error =>
        logger.warn(`Storing tag digests failed: ${(error as Error).message}`),
      );
    this.cycleDigests = undefined;

    if (checked < entities.length) {
      logger.warn(
        `Image automation cycle stopped by its timeout after ${checked} of ${entities.length} entities; the rest stay due`,
      );
    }
    this.options.metrics.recordUpdatesProposed(proposed);
    return {
      checked,
      repositoriesScanned: [...scans.values()].filter(s => s.scanned).length,
      updatesDue,
      failedBatches,
    };
  }

  /** Stores one batch of checked entities: their images, history and next due time. */
  private async storeResults(batch: CheckedEntity[], checkedAt: number) {
    if (!batch.length) return;
    const { store } = this.options;
    const refs = batch.map(b => b.entity.entityRef);
    const changed = batch.flatMap(b => {
      const images = changedImages(b.images, b.stored);
      return images ? [{ entityRef: b.entity.entityRef, images }] : [];
    });
    if (changed.length) {
      await store.replaceImages(
        changed.map(c => c.entityRef),
        changed.flatMap(c => c.images),
      );
    }
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
      scans: Map<string, RepositoryRecord>;
      bases: Map<string, Promise<OpenedBase | undefined>>;
      previous: ImageRecord[];
      writeBack?: WriteBackRecord;
      checkedAt: number;
      evaluate: (
        repository: string,
        policy: TagPolicy,
        tags: FirstSeenTags,
      ) => PolicyEvaluation;
      factsOf?: (repository: string, policy: TagPolicy) => TagFacts | undefined;
      signal?: AbortSignal;
    },
  ): Promise<{ images: ImageRecord[]; history: HistoryEvent[] }> {
    const { spec } = entity;
    if (!spec) return { images: [], history: [] };
    const policies = new Map(
      compiled.filter(c => c.policy).map(c => [c.name, c.policy!] as const),
    );

    // The tag in Git, read once per repository and branch per cycle.
    let git: GitReading;
    let base: OpenedBase | undefined;
    let inputs: CheckInputs | undefined;
    try {
      base = await this.openBase(entity, context.bases);
      const snapshot = await base.repository.readFiles(base.head, [
        ...new Set(spec.images.flatMap(i => i.files)),
      ]);
      inputs = this.checkInputs(entity, compiled, snapshot, context);
      // "Check now" always checks in full.
      const recalled =
        inputs &&
        entity.refreshRequestedAt === undefined &&
        this.memo.recall(entity, inputs, context.previous);
      if (recalled) return { images: recalled, history: [] };
      git = {
        kind: 'read',
        current: this.currentTags.read(spec, snapshot, policies),
      };
    } catch (error) {
      git = {
        kind: 'failed',
        errorKind: (error as { kind?: string }).kind ?? 'git-unexpected',
        message: (error as Error).message,
      };
      this.options.logger.warn(
        `Reading manifests of ${entity.entityRef} failed: ${git.message}`,
        { entityRef: entity.entityRef },
      );
    }

    const evaluation = evaluateEntity({
      entity,
      compiled,
      git,
      scans: context.scans,
      previous: context.previous,
      now: context.checkedAt,
      evaluate: context.evaluate,
      factsOf: context.factsOf,
    });
    if (git.kind === 'read') {
      await this.readDigests(
        entity,
        compiled,
        git.current,
        evaluation,
        context.checkedAt,
        context.previous,
      );
    }
    let record = context.writeBack;
    // Replayable: decided from what was read alone (see CheckMemo).
    let replayable =
      inputs !== undefined &&
      git.kind === 'read' &&
      ![...git.current.values()].some(tag => tag.pinsDigest);
    if (this.options.writeBack && base) {
      const request = {
        entity,
        spec,
        repository: base.repository,
        base: base.head,
        verdict: evaluation.verdict,
        updates: evaluation.updates,
        policies,
        previous: context.writeBack,
        signal: context.signal,
      };
      try {
        replayable &&= !this.options.writeBack.touchesHost(request);
        record = await this.options.writeBack.writeBack(request);
      } catch (error) {
        replayable = false;
        this.options.logger.error(
          `Write-back for ${entity.entityRef} failed: ${
            (error as Error).message
          }`,
          { entityRef: entity.entityRef },
        );
      }
    }
    for (const image of evaluation.images) applyWriteBack(image, record);
    if (replayable) this.memo.remember(entity, inputs!, evaluation.images);
    else this.memo.forget(entity.entityRef);
    return { images: evaluation.images, history: evaluation.history };
  }

  /**
   * What a check of `entity` decides from, when nothing else goes in: no
   * clock (minimum age), no build times (newest build), no failed scan.
   * Undefined when something else does.
   */
  private checkInputs(
    entity: EntityRecord,
    compiled: CompiledImage[],
    snapshot: GitSnapshot,
    context: {
      scans: Map<string, RepositoryRecord>;
      writeBack?: WriteBackRecord;
    },
  ): CheckInputs | undefined {
    const { spec, discoveryDigest } = entity;
    if (!spec || !discoveryDigest) return undefined;
    if (spec.images.some(i => i.minimumAgeMs)) return undefined;
    const versions: string[] = [];
    for (const image of compiled) {
      if (image.policy?.spec.newestBuild) return undefined;
      if (!image.repository) {
        versions.push('-');
        continue;
      }
      const scan = context.scans.get(image.repository);
      if (!scan?.tags || scan.lastErrorKind) return undefined;
      versions.push(
        String(this.memo.tagListVersion(image.repository, scan.tags)),
      );
    }
    return {
      entity: discoveryDigest,
      files: filesRead(snapshot),
      tagLists: versions.join(','),
      writeBack: writeBackRead(context.writeBack),
    };
  }

  /** Digest pinning: reads the chosen tags' digests this cycle needs and folds them in. */
  private async readDigests(
    entity: EntityRecord,
    compiled: Array<CompiledImage & { reference?: ImageReference }>,
    current: ReadonlyMap<string, import('./CurrentTagReader').CurrentTag>,
    evaluation: ReturnType<typeof evaluateEntity>,
    now: number,
    previous: ImageRecord[],
  ) {
    const spec = entity.spec;
    const reader = this.cycleDigests;
    if (!spec || !reader) return;
    const readings = new Map<string, DigestReading>();
    await Promise.all(
      digestLookupsOf(spec, evaluation, current).map(async lookup => {
        const reference = compiled.find(
          c => c.name === lookup.imageName,
        )?.reference;
        if (!reference) return;
        try {
          readings.set(lookup.imageName, {
            digest: await reader.digestOf(
              reference,
              lookup.repository,
              lookup.tag,
            ),
          });
        } catch (error) {
          readings.set(lookup.imageName, {
            errorKind: `registry-${
              (error as { kind?: string }).kind ?? 'unexpected'
            }`,
            message: (error as Error).message,
          });
        }
      }),
    );
    reflectDigests(spec, evaluation, current, readings, now, previous);
  }

  /** Tag digests are kept only for tags the registry still lists. */
  private async forgetDigestsOfDeletedTags(
    scans: Map<
      string,
      {
        scanned: boolean;
        record: { tags?: FirstSeenTags; lastErrorKind?: string };
      }
    >,
  ) {
    const facts = this.options.registryFacts?.store;
    if (!facts) return;
    const listed = new Map<string, readonly string[]>();
    for (const [repository, outcome] of scans) {
      if (
        outcome.scanned &&
        !outcome.record.lastErrorKind &&
        outcome.record.tags
      )
        listed.set(repository, outcome.record.tags.tags);
    }
    if (!listed.size) return;
    await facts
      .pruneTagDigests(listed)
      .catch(error =>
        this.options.logger.warn(
          `Forgetting the digests of deleted tags failed: ${
            (error as Error).message
          }`,
        ),
      );
  }

  /**
   * Build times for newestBuild images, per repository and platform, over
   * the tags each policy's filter allows (read by name alone first).
   */
  private async resolveBuildTimes(
    compiled: Map<
      string,
      Array<CompiledImage & { reference?: ImageReference }>
    >,
    scans: Map<string, { record: { tags?: FirstSeenTags } }>,
  ): Promise<Map<string, TagFacts>> {
    const resolver = this.options.registryFacts?.buildTimes;
    const result = new Map<string, TagFacts>();
    if (!resolver) return result;
    const wanted = new Map<
      string,
      {
        reference: ImageReference;
        repository: string;
        platform?: string;
        tags: Record<string, number>;
      }
    >();
    for (const images of compiled.values()) {
      for (const image of images) {
        const newest = image.policy?.spec.newestBuild;
        if (!newest || !image.repository || !image.reference) continue;
        const listed = scans.get(image.repository)?.record.tags;
        if (!listed) continue;
        const key = buildTimeKey(image.repository, newest.platform);
        const entry = wanted.get(key) ?? {
          reference: image.reference,
          repository: image.repository,
          platform: newest.platform,
          tags: {},
        };
        for (const tag of buildTimeCandidates(
          image.policy!.spec,
          listed.tags,
        )) {
          entry.tags[tag] = listed.firstSeen(tag)!;
        }
        wanted.set(key, entry);
      }
    }
    await Promise.all(
      [...wanted].map(async ([key, entry]) => {
        try {
          result.set(
            key,
            await resolver.resolve({
              image: entry.reference,
              repository: entry.repository,
              tags: entry.tags,
              platform: entry.platform,
            }),
          );
        } catch (error) {
          this.options.logger.warn(
            `Reading build times of ${entry.repository} failed: ${
              (error as Error).message
            }`,
          );
        }
      }),
    );
    return result;
  }

  /**
   * Reads, per repository and branch, the files of all its entities at once
   * before they are checked one by one: the host can then answer a
   * repository's manifests in one request instead of one per entity. Only
   * files the listing shows readable are asked; every failure is left to
   * the entities, which meet it again and report it.
   */
  private prefetchFiles(
    entities: EntityRecord[],
    bases: Map<string, Promise<OpenedBase | undefined>>,
  ): Map<string, Promise<void>> {
    const groups = new Map<
      string,
      { entity: EntityRecord; paths: Set<string> }
    >();
    for (const entity of entities) {
      if (!entity.spec || !entity.gitRepository) continue;
      const key = prefetchKey(entity);
      let group = groups.get(key);
      if (!group) {
        group = { entity, paths: new Set() };
        groups.set(key, group);
      }
      for (const image of entity.spec.images) {
        for (const file of image.files) group.paths.add(file);
      }
    }
    return new Map(
      [...groups].map(([key, { entity, paths }]) => [
        key,
        this.prefetchGroup(entity, paths, bases),
      ]),
    );
  }

  private async prefetchGroup(
    entity: EntityRecord,
    paths: Set<string>,
    bases: Map<string, Promise<OpenedBase | undefined>>,
  ): Promise<void> {
    try {
      const { repository, head } = await this.openBase(entity, bases);
      const readable = [...paths].filter(path => {
        const entry = head.entries.get(path);
        return (
          entry && entry.mode !== '120000' && entry.size <= MAX_MANIFEST_BYTES
        );
      });
      if (readable.length) await repository.readFiles(head, readable);
    } catch {
      // The entities of this repository read and report it themselves.
    }
  }

  /**
   * The entity's repository and base head, when the operator allows the
   * entity to use that repository; a refused repository is not even read.
   */
  private async openBase(
    entity: EntityRecord,
    bases: Map<string, Promise<OpenedBase | undefined>>,
  ): Promise<OpenedBase> {
    const { gitHosts } = this.options;
    if (!gitHosts) {
      throw configError('no Git host is configured to read manifests from');
    }
    if (!entity.gitRepository) {
      throw configError(
        'the entity names no repository: set image-automation/repo or backstage.io/source-location',
      );
    }
    const authorization = authorizeWriteBack({
      repository: entity.gitRepository,
      managedByRepository: entity.managedByRepository,
      mode: entity.mode,
      permissions: this.options.permissions ?? NO_WRITE_BACK_PERMISSIONS,
    });
    if (!authorization.repository.allowed) {
      throw configError(authorization.repository.problem);
    }
    const branch = entity.spec?.git.baseBranch;
    const key = `${entity.gitRepository}\u0000${branch ?? ''}`;
    let opened = bases.get(key);
    if (!opened) {
      opened = (async () => {
        const repository = await gitHosts.open(entity.gitRepository!);
        const name = branch ?? (await repository.defaultBranch());
        const head = await repository.openBranch(name);
        if (!head) {
          throw Object.assign(
            new Error(
              `branch ${name} does not exist in ${repository.identity.displayName}: check git.baseBranch`,
            ),
            { kind: 'git-not-found' },
          );
        }
        return { repository, head };
      })();
      // A failure is shared by this cycle's entities, then forgotten.
      opened.catch(() => undefined);
      bases.set(key, opened);
    }
    return (await opened)!;
  }
}

function buildTimeKey(repository: string, platform: string | undefined) {
  return `${repository}\u0000${platform ?? 'linux/amd64'}`;
}

function configError(message: string): Error {
  return Object.assign(new Error(message), { kind: 'config' });
}

type CompiledImages = Array<CompiledImage & { reference?: ImageReference }>;

/** Each image repository the compiled images name, with a reference to scan it by. */
function repositoriesOf(
  compiled: Map<string, CompiledImages>,
): Map<string, ImageReference> {
  const repositories = new Map<string, ImageReference>();
  for (const images of compiled.values()) {
    for (const image of images) {
      if (image.repository && image.reference)
        repositories.set(image.repository, image.reference);
    }
  }
  return repositories;
}

/**
 * Compiles each entity's images, sharing one TagPolicy per distinct policy
 * spec: thousands of entities use a handful of policies. A spec compiled
 * already (the same object, kept in `specs`) is not compiled again.
 */
function compileAll(
  entities: Array<Pick<EntityRecord, 'entityRef' | 'spec'>>,
  specs: WeakMap<AutomationSpec, CompiledImages> = new WeakMap(),
): Map<string, CompiledImages> {
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
  const compileImage = (image: AutomationSpec['images'][number]) => {
    const compiled: CompiledImage & { reference?: ImageReference } = {
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
  };
  const compile = (spec: AutomationSpec | undefined): CompiledImages => {
    if (!spec) return [];
    let images = specs.get(spec);
    if (!images) {
      images = spec.images.map(compileImage);
      specs.set(spec, images);
    }
    return images;
  };
  return new Map(entities.map(e => [e.entityRef, compile(e.spec)]));
}

/** Where an entity's manifests are read from: its repository and base branch. */
function prefetchKey(entity: EntityRecord): string {
  return `${entity.gitRepository}\u0000${entity.spec?.git.baseBranch ?? ''}`;
}
