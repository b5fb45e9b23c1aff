import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  type AutomationSpec,
  type TagPolicy,
  type WriteBackPermissions,
  authorizeWriteBack,
  changeRequestReference,
  compareTags,
  defaultPushBranch,
  parseImageReference,
} from '@image-automation/plugin-image-automation-common';
import {
  ManifestChange,
  findImages,
  rewriteManifest,
  summarizeChanges,
} from '@image-automation/plugin-image-automation-node';
import { ImageAutomationStore } from '../database/ImageAutomationStore';
import type {
  EntityRecord,
  HistoryEvent,
  WriteBackRecord,
} from '../domain/records';
import { ImageAutomationMetrics } from '../metrics';
import { GitError } from '../scm/GitError';
import type {
  BranchHead,
  FileChange,
  GitRepository,
  RefMove,
} from '../scm/port';
import {
  Authorization,
  CloseReason,
  RemoteState,
  StoredWriteBack,
  Targets,
  WriteBackAction,
  WriteBackDecision,
  decideWriteBack,
} from './decideWriteBack';
import {
  TemplateData,
  commitMessage,
  pullRequestBody,
  pullRequestTitle,
} from './pullRequestText';
import { WriteBackHandler, WriteBackRequest } from './WriteBackHandler';

/**
 * How long one acquisition may hold a branch without renewing: longer than
 * any single host request may take with its retries and rate-limit waits
 * (Octokit waits up to a minute, twice), renewed before each write. A
 * replica that dies holding it delays that branch by at most this much.
 */
export const LEASE_MS = 3 * 60_000;
/** Push mode re-reads the base and redoes the commit when it moved meanwhile. */
const PUSH_ATTEMPTS = 3;

export interface WriteBackCoordinatorOptions {
  store: ImageAutomationStore;
  logger: LoggerService;
  metrics: ImageAutomationMetrics;
  /** The operator's say over repositories and modes (imageAutomation.git). */
  permissions: WriteBackPermissions;
  /** Added to every change request (imageAutomation.git.labels). */
  labels: string[];
  /** The portal's `app.baseUrl`, for the entity link in change requests. */
  appBaseUrl?: string;
  /** The digest a tag points at, for places that pin one. */
  digestOf?: (image: string, tag: string) => Promise<string>;
  now?: () => number;
}

/** A commit the plugin wants on a branch: the rewritten files on top of a head. */
interface PlannedCommit {
  files: FileChange[];
  message: string;
  changes: ManifestChange[];
  data: TemplateData;
}

/** A held lease; every write first renews it. */
interface Lease {
  key: string;
  token: string;
}

/**
 * The host-neutral write-back: reads the stored record and the host's state
 * (change request, branch head, base head) under a lease, lets the pure
 * table (decideWriteBack) choose one action, carries it out with
 * compare-and-swap ref moves, and records what happened.
 */
export class WriteBackCoordinator implements WriteBackHandler {
  private readonly now: () => number;

  constructor(private readonly options: WriteBackCoordinatorOptions) {
    this.now = options.now ?? Date.now;
  }

  touchesHost(request: WriteBackRequest): boolean {
    const { entity, spec, base, previous } = request;
    const branch = this.branchFor(entity, spec, base, previous);
    return typeof branch === 'string' && !this.standing(request, branch).quiet;
  }

  /**
   * Where the entity stands before any host call: whether it may write, and
   * whether the decision needs the host at all. Without an open change
   * request of ours, what the host holds can only matter when there is
   * something to write: then no lease, no request (quiet).
   */
  private standing(request: WriteBackRequest, branch: string) {
    const { entity, previous, verdict } = request;
    const authorization = this.authorize(entity);
    const stored = storedOf(previous, branch);
    const mayWrite =
      verdict.kind === 'behind' &&
      authorization.allowed &&
      entity.mode !== 'observe';
    return {
      authorization,
      stored,
      quiet: stored.state !== 'open' && !mayWrite,
    };
  }

  async writeBack(
    request: WriteBackRequest,
  ): Promise<WriteBackRecord | undefined> {
    const { entity, spec, base, previous } = request;
    const branch = this.branchFor(entity, spec, base, previous);
    if (typeof branch !== 'string') {
      const record: WriteBackRecord = {
        ...this.baseRecord(request, base.branch),
        errorKind: 'config',
        errorMessage: branch.problem,
      };
      await this.options.store.saveWriteBack(record);
      return record;
    }
    const { authorization, stored, quiet } = this.standing(request, branch);
    if (quiet) {
      const decision = decideWriteBack({
        ...this.tableInput(request, stored, authorization),
        remote: { branch: 'absent', baseMoved: false },
      });
      return this.recordQuietly(request, branch, decision);
    }
    if (request.signal?.aborted) return previous;

    const { store } = this.options;
    const key = `${request.repository.identity.location.key}#${branch}`;
    const token = await store.acquireLease(
      key,
      this.now(),
      this.now() + LEASE_MS,
    );
    if (!token) {
      // Another replica is writing this branch right now; it records the result.
      return previous;
    }
    const lease = { key, token };
    const history: HistoryEvent[] = [];
    let record: WriteBackRecord | undefined;
    try {
      // Read again under the lease: another replica may have just written.
      const current = (await store.getWriteBack(entity.entityRef)) ?? previous;
      const currentStored = storedOf(current, branch);
      const remote = await this.readRemote(request, branch, current);
      const decision = decideWriteBack({
        ...this.tableInput(request, currentStored, authorization),
        remote: remote.state,
      });
      this.options.logger.debug(
        `Write-back for ${entity.entityRef}: row ${decision.row}, ${decision.action.kind}`,
      );
      record = await this.execute(
        { ...request, previous: current },
        branch,
        decision,
        remote,
        lease,
        history,
      );
    } catch (error) {
      const gitError =
        error instanceof GitError
          ? error
          : new GitError('git-unreachable', (error as Error).message, {
              cause: error,
            });
      this.options.logger.warn(
        `Write-back for ${entity.entityRef} failed: ${gitError.message}`,
        { entityRef: entity.entityRef, errorKind: gitError.kind },
      );
      this.options.metrics.recordWriteBack(gitError.kind);
      // The record keeps what it knew (a commit written ahead included);
      // only the error is new.
      const latest = await store
        .getWriteBack(entity.entityRef)
        .catch(() => undefined);
      record = {
        ...(latest ?? previous ?? this.baseRecord(request, branch)),
        errorKind: gitError.kind,
        errorMessage: gitError.message,
        updatedAt: this.now(),
      };
    } finally {
      await store.releaseLease(lease.key, lease.token);
    }
    if (record) await store.saveWriteBack(record);
    await store.appendHistory(history);
    return record;
  }

  async closeForGoneEntity(input: {
    entity: EntityRecord;
    repository: GitRepository;
    previous: WriteBackRecord;
  }): Promise<void> {
    const { entity, repository, previous } = input;
    if (storedOf(previous, previous.branch).state !== 'open') return;
    const { store } = this.options;
    const key = `${repository.identity.location.key}#${previous.branch}`;
    const token = await store.acquireLease(
      key,
      this.now(),
      this.now() + LEASE_MS,
    );
    if (!token) return;
    const lease = { key, token };
    try {
      const remote = await this.readBranchState(
        repository,
        previous.branch,
        previous,
      );
      const decision = decideWriteBack({
        cycle: { kind: 'undecided', reasons: ['the entity left the catalog'] },
        record: storedOf(previous, previous.branch),
        remote: remote.state,
        mode: entity.mode,
        authorization: { allowed: true },
        supportsChangeRequests: repository.supportsChangeRequests,
        entityGone: true,
        compare: () => undefined,
      });
      if (decision.action.kind === 'close') {
        await this.close(
          repository,
          entity,
          previous,
          decision.action.number,
          'entity-gone',
          previous.branch,
          lease,
        );
      }
    } catch (error) {
      this.options.logger.warn(
        `Closing the change request of ${
          entity.entityRef
        }, which left the catalog, failed: ${(error as Error).message}`,
      );
    } finally {
      await store.releaseLease(lease.key, lease.token);
    }
  }

  private tableInput(
    request: WriteBackRequest,
    record: StoredWriteBack,
    authorization: Authorization,
  ) {
    return {
      cycle: request.verdict,
      record,
      mode: request.entity.mode,
      authorization,
      supportsChangeRequests: request.repository.supportsChangeRequests,
      compare: (image: string, a: string, b: string) => {
        const policy = request.policies.get(image);
        return policy ? compareTags(policy, a, b) : undefined;
      },
    };
  }

  private authorize(entity: EntityRecord): Authorization {
    if (!entity.gitRepository) {
      return { allowed: false, problem: 'the entity names no repository' };
    }
    const verdict = authorizeWriteBack({
      repository: entity.gitRepository,
      managedByRepository: entity.managedByRepository,
      mode: entity.mode,
      permissions: this.options.permissions,
    });
    if (!verdict.repository.allowed) return verdict.repository;
    return verdict.mode;
  }

  /** The change request, branch head and base as the host reports them now. */
  private async readRemote(
    request: WriteBackRequest,
    branch: string,
    record: WriteBackRecord | undefined,
  ) {
    const { repository, base, entity } = request;
    if (entity.mode === 'push' && record?.state !== 'open') {
      return { state: { branch: 'absent', baseMoved: false } as RemoteState };
    }
    const read = await this.readBranchState(repository, branch, record);
    read.state.baseMoved =
      record?.baseSha !== undefined && record.baseSha !== base.headSha;
    return read;
  }

  private async readBranchState(
    repository: GitRepository,
    branch: string,
    record: WriteBackRecord | undefined,
  ): Promise<{ state: RemoteState; branchSha?: string }> {
    const [changeRequest, branchSha] = await Promise.all([
      repository.supportsChangeRequests
        ? repository.findChangeRequest(
            branch,
            record?.branch === branch ? record.prNumber : undefined,
          )
        : Promise.resolve(undefined),
      repository.branchSha(branch),
    ]);
    let state: RemoteState['branch'] = 'absent';
    if (branchSha) {
      state =
        record?.branch === branch &&
        (branchSha === record.lastCommitSha ||
          branchSha === record.pendingCommitSha)
          ? 'ours'
          : 'edited';
    }
    return {
      state: {
        changeRequest: changeRequest && {
          number: changeRequest.number,
          state: changeRequest.state,
        },
        branch: state,
        baseMoved: false,
      },
      branchSha,
    };
  }

  private async execute(
    request: WriteBackRequest,
    branch: string,
    decision: WriteBackDecision,
    remote: { state: RemoteState; branchSha?: string },
    lease: Lease,
    history: HistoryEvent[],
  ): Promise<WriteBackRecord | undefined> {
    const { entity, previous } = request;
    let record: WriteBackRecord = {
      ...(previous ?? this.baseRecord(request, branch)),
      hostKind: request.repository.identity.kind,
      updatedAt: this.now(),
    };
    const { reconcile, action } = decision;
    if (reconcile?.state === 'declined') {
      record = {
        ...record,
        state: 'declined',
        prState: 'closed',
        declinedTags: reconcile.declined,
        declinedAt: this.now(),
        prNumber: reconcile.number,
        note: declinedNote(
          record.hostKind,
          reconcile.number,
          this.now(),
          reconcile.declined,
        ),
      };
      history.push(
        ...Object.entries(reconcile.declined).map(([imageName, toTag]) =>
          this.event(entity.entityRef, 'declined', {
            imageName,
            toTag,
            prNumber: reconcile.number,
          }),
        ),
      );
      this.options.metrics.recordWriteBack('declined');
    } else if (reconcile?.state === 'merged') {
      record = {
        ...record,
        state: 'merged',
        prState: 'merged',
        note: `merged ${this.reference(request.repository, reconcile.number)}`,
      };
      history.push(
        this.event(entity.entityRef, 'merged', { prNumber: reconcile.number }),
      );
    }
    switch (action.kind) {
      case 'hold':
        // Nothing changes: not the branch, not the change request, not the record.
        return reconcile ? record : previous;
      case 'nothing':
        return { ...record, errorKind: undefined, errorMessage: undefined };
      case 'refused':
        return {
          ...record,
          errorKind: 'config',
          errorMessage: action.problem,
        };
      case 'declined':
        return this.declinedRecord(record, action.declined);
      case 'report-edited':
        return this.reportEdited(
          request,
          record,
          branch,
          remote,
          history,
          action.number,
        );
      case 'close':
        await this.close(
          request.repository,
          entity,
          record,
          action.number,
          action.why,
          branch,
          lease,
          request.base.branch,
        );
        history.push(
          this.event(entity.entityRef, 'pr-closed', {
            prNumber: action.number,
          }),
        );
        return {
          ...record,
          state: 'closed-by-us',
          prState: 'closed',
          errorKind: undefined,
          errorMessage: undefined,
          note: `closed ${this.reference(
            request.repository,
            action.number,
          )}: ${closeWords(action.why)}`,
        };
      default:
        return this.write(
          request,
          branch,
          action,
          record,
          remote,
          lease,
          history,
        );
    }
  }

  private async write(
    request: WriteBackRequest,
    branch: string,
    action: Extract<
      WriteBackAction,
      { kind: 'open' | 'update' | 'push' | 'push-branch' }
    >,
    record: WriteBackRecord,
    remote: { state: RemoteState; branchSha?: string },
    lease: Lease,
    history: HistoryEvent[],
  ): Promise<WriteBackRecord> {
    const { repository, base, entity, spec } = request;
    const targets = action.targets;
    const clean = { errorKind: undefined, errorMessage: undefined };
    if (action.kind === 'push') {
      let head: BranchHead = base;
      for (let attempt = 1; ; attempt++) {
        const planned = await this.plan(request, head, targets);
        if (!planned) return { ...record, ...clean, note: 'up to date' };
        const commit = await this.commit(
          repository,
          head,
          planned,
          spec,
          lease,
          request.signal,
        );
        await this.renew(lease, request.signal);
        await this.savePending(record, head.branch, commit);
        const moved = await repository.moveBranch(
          head.branch,
          head.headSha,
          commit,
        );
        if (moved.moved) {
          history.push(
            ...this.updateEvents(request, targets, 'pushed', undefined, commit),
          );
          this.options.metrics.recordWriteBack('pushed');
          return {
            ...record,
            ...clean,
            state: 'pushed',
            branch: head.branch,
            targetTags: targets,
            lastCommitSha: commit,
            pendingCommitSha: undefined,
            baseSha: head.headSha,
            note: `pushed ${commit.slice(0, 7)} to ${head.branch}`,
          };
        }
        if (attempt >= PUSH_ATTEMPTS) {
          throw new GitError(
            'git-conflict',
            `${head.branch} of ${repository.identity.displayName} kept moving while pushing; the next cycle tries again`,
          );
        }
        this.options.logger.info(
          `${head.branch} of ${repository.identity.displayName} moved while pushing for ${entity.entityRef}; redoing the change on the new head`,
        );
        const reread = await repository.openBranch(head.branch);
        if (!reread) {
          throw new GitError(
            'git-not-found',
            `${head.branch} of ${repository.identity.displayName} disappeared while pushing`,
          );
        }
        head = reread;
      }
    }

    const fresh = action.kind !== 'update' && action.freshBranch;
    const target = fresh ? `${branch}-${base.headSha.slice(0, 7)}` : branch;
    // Only a branch whose head is our own last commit is moved; a fresh one must not exist.
    const expected =
      !fresh && remote.state.branch === 'ours' ? remote.branchSha : undefined;
    const planned = await this.plan(request, base, targets);
    if (!planned) {
      return {
        ...record,
        ...clean,
        note: 'every place already holds its target or a newer tag',
      };
    }
    // Our commit already on the branch (a write that failed after moving
    // it, a replica that died): reused, not made again.
    let commit =
      expected !== undefined
        ? await this.reusable(repository, target, expected, base, planned)
        : undefined;
    let moved: RefMove = { moved: true };
    if (!commit) {
      commit = await this.commit(
        repository,
        base,
        planned,
        spec,
        lease,
        request.signal,
      );
      await this.renew(lease, request.signal);
      await this.savePending(record, target, commit);
      moved = await repository.moveBranch(target, expected, commit);
    }
    if (!moved.moved) {
      // Someone moved the branch between our read and our write: theirs stays.
      return this.reportEdited(
        request,
        record,
        target,
        {
          state: { ...remote.state, branch: 'edited' },
          branchSha: moved.actualSha,
        },
        history,
        record.prNumber,
      );
    }
    const written = {
      ...record,
      ...clean,
      branch: target,
      targetTags: targets,
      lastCommitSha: commit,
      pendingCommitSha: undefined,
      baseSha: base.headSha,
    };
    if (action.kind === 'push-branch') {
      history.push(
        ...this.updateEvents(
          request,
          targets,
          'branch-updated',
          undefined,
          commit,
        ),
      );
      this.options.metrics.recordWriteBack('branch-updated');
      return {
        ...written,
        state: 'pushed',
        note: `branch ${target} updated to ${commit.slice(0, 7)}`,
      };
    }
    const title = pullRequestTitle(spec, planned.data);
    const body = pullRequestBody(
      spec,
      planned.data,
      planned.changes,
      this.entityUrl(entity.entityRef),
    );
    await this.renew(lease, request.signal);
    if (action.kind === 'update') {
      await repository.updateChangeRequest(action.number, { title, body });
      history.push(
        ...this.updateEvents(
          request,
          targets,
          'pr-updated',
          action.number,
          commit,
        ),
      );
      this.options.metrics.recordWriteBack('pr-updated');
      return {
        ...written,
        state: 'open',
        prState: 'open',
        note: `${this.reference(repository, action.number)} updated`,
      };
    }
    const opened = await repository.openChangeRequest({
      branch: target,
      base: base.branch,
      title,
      body,
      labels: [
        ...new Set([
          ...this.options.labels,
          ...(spec.git.pullRequest?.labels ?? []),
        ]),
      ],
    });
    history.push(
      ...this.updateEvents(
        request,
        targets,
        'pr-opened',
        opened.number,
        commit,
      ),
    );
    this.options.metrics.recordWriteBack('pr-opened');
    return {
      ...written,
      state: 'open',
      prNumber: opened.number,
      prUrl: opened.url,
      prState: 'open',
      note: `${this.reference(repository, opened.number)} opened`,
    };
  }

  /**
   * Written ahead of a ref move: the commit about to be on `branch`, so a
   * failure or a crash between the move and the record leaves a head still
   * known as ours.
   */
  private async savePending(
    record: WriteBackRecord,
    branch: string,
    commit: string,
  ) {
    await this.options.store.saveWriteBack({
      ...record,
      pendingCommitSha: commit,
      // A move to another branch (a fresh one): the old head is not its.
      ...(record.branch === branch ? {} : { branch, lastCommitSha: undefined }),
      updatedAt: this.now(),
    });
  }

  /**
   * Our head on `branch` when it already is the planned change on `base`:
   * made on the base head itself, with exactly the planned file contents.
   */
  private async reusable(
    repository: GitRepository,
    branch: string,
    sha: string,
    base: BranchHead,
    planned: PlannedCommit,
  ): Promise<string | undefined> {
    const commit = await repository.getCommit(sha);
    if (commit.parents.length !== 1 || commit.parents[0] !== base.headSha) {
      return undefined;
    }
    const head = await repository.openBranch(branch);
    if (!head || head.headSha !== sha) return undefined;
    const files = await repository.readFiles(
      head,
      planned.files.map(f => f.path),
    );
    const same = planned.files.every(
      f => files.files.get(f.path)?.content === f.content,
    );
    return same ? sha : undefined;
  }

  private declinedRecord(
    record: WriteBackRecord,
    declined: Targets,
  ): WriteBackRecord {
    return {
      ...record,
      errorKind: undefined,
      errorMessage: undefined,
      note: declinedNote(
        record.hostKind,
        record.prNumber,
        record.declinedAt,
        declined,
      ),
    };
  }

  private async reportEdited(
    request: WriteBackRequest,
    record: WriteBackRecord,
    branch: string,
    remote: { state: RemoteState; branchSha?: string },
    history: HistoryEvent[],
    number: number | undefined,
  ): Promise<WriteBackRecord> {
    const { repository, entity, previous } = request;
    const sha = remote.branchSha ?? (await repository.branchSha(branch));
    const subject = sha
      ? (await repository.getCommit(sha)).message.split('\n')[0]
      : undefined;
    const message = `someone pushed ${sha?.slice(0, 7) ?? 'a commit'}${
      subject !== undefined ? ` ("${subject}")` : ''
    } to ${branch}; the plugin leaves the branch alone: merge or close ${
      number ? this.reference(repository, number) : 'the branch'
    } (or delete the branch) and the next cycle proposes the update again`;
    if (previous?.errorKind !== 'branch-edited') {
      history.push(
        this.event(entity.entityRef, 'branch-edited', {
          commitSha: sha,
          prNumber: number,
          detail: message,
        }),
      );
    }
    this.options.metrics.recordWriteBack('branch-edited');
    return { ...record, errorKind: 'branch-edited', errorMessage: message };
  }

  private async close(
    repository: GitRepository,
    entity: EntityRecord,
    record: WriteBackRecord,
    number: number,
    why: CloseReason,
    branch: string,
    lease: Lease,
    baseBranch?: string,
  ) {
    // Recorded first: a crash between closing and recording must not make
    // our own close look like a person's decline.
    await this.options.store.saveWriteBack({
      ...record,
      branch,
      state: 'closed-by-us',
      updatedAt: this.now(),
    });
    await this.renew(lease);
    const comments: Record<CloseReason, string> = {
      'up-to-date': `The base branch \`${baseBranch}\` already holds the newest allowed tags; closing this ${repository.changeRequestNoun}.`,
      observe: `${entity.entityRef} switched to \`image-automation/mode: observe\`; closing this ${repository.changeRequestNoun}.`,
      'entity-gone': `${entity.entityRef} left the software catalog over a day ago; closing this ${repository.changeRequestNoun}.`,
    };
    await repository.closeChangeRequest(number, comments[why]);
    this.options.metrics.recordWriteBack('pr-closed');
  }

  /** Rewrites the entity's files at `head` to the targets; undefined when nothing changes. */
  private async plan(
    request: WriteBackRequest,
    head: BranchHead,
    targets: Targets,
  ): Promise<PlannedCommit | undefined> {
    const { spec, entity, repository, policies } = request;
    const images: Record<string, string> = {};
    for (const image of spec.images) {
      if (targets[image.name]) {
        images[image.name] = `${image.image}:${targets[image.name]}`;
      }
    }
    const paths = [
      ...new Set(spec.images.filter(i => images[i.name]).flatMap(i => i.files)),
    ];
    const snapshot = await repository.readFiles(head, paths);
    if (snapshot.missing.length) {
      throw new GitError(
        'git-not-found',
        `${snapshot.missing.join(', ')} not found in ${
          repository.identity.displayName
        }@${head.branch}: check image-automation/files`,
      );
    }
    const targetsOf = (path: string) =>
      spec.images
        .filter(i => images[i.name] && i.files.includes(path))
        .map(i => ({ policy: i.name, container: i.container }));
    try {
      // A pinned digest is kept up to date, never dropped: resolve the new
      // tag's digest for every image some place pins.
      const pinned = new Set<string>();
      for (const file of snapshot.files.values()) {
        for (const found of findImages(file, {
          targets: targetsOf(file.path),
          policies: Object.keys(images),
        }).found) {
          if (found.field === 'digest' || found.value.includes('@')) {
            pinned.add(found.policy);
          }
        }
      }
      for (const name of pinned) {
        if (!images[name] || !this.options.digestOf) continue;
        const image = spec.images.find(i => i.name === name)!;
        images[name] += `@${await this.options.digestOf(
          image.image,
          targets[name],
        )}`;
      }
      const changes: ManifestChange[] = [];
      const files: FileChange[] = [];
      for (const file of snapshot.files.values()) {
        const result = rewriteManifest(file, images, {
          targets: targetsOf(file.path),
          keepRepository: true,
          digestOnlyWherePinned: true,
          acceptChange: change => placeMayMove(change, spec, policies, targets),
        });
        if (result.content === file.content) continue;
        changes.push(...result.changes);
        files.push({
          path: file.path,
          content: result.content,
          mode:
            head.entries.get(file.path)?.mode === '100755'
              ? '100755'
              : '100644',
        });
      }
      if (!files.length) return undefined;
      const data: TemplateData = {
        ...summarizeChanges(changes),
        AutomationObject: entity.entityRef,
      };
      return { files, message: commitMessage(spec, data), changes, data };
    } catch (error) {
      if (error instanceof GitError) throw error;
      throw new GitError('git-bad-repository', `${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private async commit(
    repository: GitRepository,
    head: BranchHead,
    planned: PlannedCommit,
    spec: AutomationSpec,
    lease: Lease,
    signal?: AbortSignal,
  ): Promise<string> {
    await this.renew(lease, signal);
    const configured = spec.git.commit?.author;
    const author =
      configured?.name && configured.email
        ? { name: configured.name, email: configured.email }
        : undefined;
    const commit = await repository.createCommit({
      parent: head,
      message: planned.message,
      author,
      changes: planned.files,
    });
    return commit.sha;
  }

  /** Renews the lease before a write; a lost lease or an abort stops the write. */
  private async renew(lease: Lease, signal?: AbortSignal) {
    if (signal?.aborted) {
      throw new GitError(
        'git-conflict',
        'the cycle was stopped by its timeout before this write; the next cycle goes on',
      );
    }
    const now = this.now();
    if (
      !(await this.options.store.renewLease(
        lease.key,
        lease.token,
        now,
        now + LEASE_MS,
      ))
    ) {
      throw new GitError(
        'git-conflict',
        `the write lease on ${lease.key} expired and was taken over; the next cycle decides again`,
      );
    }
  }

  private branchFor(
    entity: EntityRecord,
    spec: AutomationSpec,
    base: BranchHead,
    previous: WriteBackRecord | undefined,
  ): string | { problem: string } {
    if (entity.mode === 'push') return base.branch;
    // An open change request stays on the branch it was opened from.
    if (
      previous?.state === 'open' ||
      (!previous?.state && previous?.prState === 'open')
    ) {
      return previous.branch;
    }
    const branch = pushBranchOf(entity.entityRef, spec);
    if (branch === base.branch) {
      const fallback = pushBranchOf(entity.entityRef, {
        ...spec,
        git: { ...spec.git, pushBranch: undefined },
      });
      return {
        problem: `git.pushBranch is ${branch}, the base branch itself; a ${
          entity.mode === 'push-branch' ? 'push-branch' : 'pull request'
        } needs a branch of its own: remove git.pushBranch (the default is ${fallback}) or name another branch`,
      };
    }
    return branch;
  }

  /** A decision that needed no lease (nothing to write): recorded only if it says something new. */
  private async recordQuietly(
    request: WriteBackRequest,
    branch: string,
    decision: WriteBackDecision,
  ): Promise<WriteBackRecord | undefined> {
    const { previous } = request;
    const { action } = decision;
    if (action.kind === 'refused') {
      if (
        previous?.errorKind === 'config' &&
        previous.errorMessage === action.problem
      ) {
        return previous;
      }
      const record = {
        ...(previous ?? this.baseRecord(request, branch)),
        errorKind: 'config',
        errorMessage: action.problem,
        updatedAt: this.now(),
      };
      await this.options.store.saveWriteBack(record);
      return record;
    }
    if (action.kind === 'declined' && previous) {
      return this.declinedRecord(previous, action.declined);
    }
    if (action.kind === 'nothing' && previous?.errorKind) {
      // The error that was (a refused mode, a branch edit) is over.
      const record = {
        ...previous,
        errorKind: undefined,
        errorMessage: undefined,
        updatedAt: this.now(),
      };
      await this.options.store.saveWriteBack(record);
      return record;
    }
    return previous;
  }

  private baseRecord(
    request: WriteBackRequest,
    branch: string,
  ): WriteBackRecord {
    return {
      entityRef: request.entity.entityRef,
      gitRepository:
        request.entity.gitRepository ??
        request.repository.identity.location.cloneUrl,
      hostKind: request.repository.identity.kind,
      branch,
      updatedAt: this.now(),
    };
  }

  private updateEvents(
    request: WriteBackRequest,
    targets: Targets,
    event: HistoryEvent['event'],
    prNumber: number | undefined,
    commitSha: string | undefined,
  ): HistoryEvent[] {
    return request.updates
      .filter(update => targets[update.imageName] === update.toTag)
      .map(update => ({
        ...this.event(request.entity.entityRef, event, { prNumber, commitSha }),
        imageName: update.imageName,
        fromTag: update.fromTag,
        toTag: update.toTag,
      }));
  }

  private event(
    entityRef: string,
    event: HistoryEvent['event'],
    extra: Partial<HistoryEvent>,
  ): HistoryEvent {
    return { entityRef, event, createdAt: this.now(), ...extra };
  }

  /** How the repository's host names change request `number` (`#12`, `!12`). */
  private reference(repository: GitRepository, number: number): string {
    return changeRequestReference(repository.identity.kind, number);
  }

  private entityUrl(entityRef: string): string | undefined {
    if (!this.options.appBaseUrl) return undefined;
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `${this.options.appBaseUrl.replace(
      /\/$/,
      '',
    )}/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
  }
}

/** The record as the table reads it; rows stored before states existed are read by their PR state. */
export function storedOf(
  record: WriteBackRecord | undefined,
  branch: string,
): StoredWriteBack {
  if (!record) return { state: 'none' };
  let state = record.state;
  if (!state) {
    if (record.prState === 'open') state = 'open';
    else if (record.prState === 'merged') state = 'merged';
    else if (record.prState === 'closed') state = 'closed-by-us';
  }
  return {
    state:
      state && (state !== 'open' || record.branch === branch) ? state : 'none',
    targets: record.targetTags,
    declined: record.declinedTags,
  };
}

/**
 * Whether one place may move to its image's target: never down, and not
 * sideways to the same tag, unless the image allows downgrades. Places whose
 * tag cannot be read or ordered are moved (that is what their marker asks).
 */
function placeMayMove(
  change: { policy: string; field: string; oldValue: string },
  spec: AutomationSpec,
  policies: ReadonlyMap<string, TagPolicy>,
  targets: Targets,
): boolean {
  const target = targets[change.policy];
  const image = spec.images.find(i => i.name === change.policy);
  const policy = policies.get(change.policy);
  if (!target || !image || !policy || image.allowDowngrade) return true;
  let tag: string | undefined;
  if (change.field === 'tag') tag = change.oldValue;
  else if (change.field === 'image') {
    try {
      tag = parseImageReference(change.oldValue).tag;
    } catch {
      tag = undefined;
    }
  }
  if (tag === undefined || tag === target) return true;
  const order = compareTags(policy, target, tag);
  return order === undefined || order > 0;
}

/** The card's words for a declined proposal: "#4 was closed without merging on …, api 1.4.2 skipped". */
function declinedNote(
  host: WriteBackRecord['hostKind'],
  number: number | undefined,
  at: number | undefined,
  declined: Targets,
): string {
  const when = at ? ` on ${new Date(at).toISOString().slice(0, 10)}` : '';
  return `${
    number ? `${changeRequestReference(host, number)} was ` : ''
  }closed without merging${when}, ${describeTags(
    declined,
  )} skipped; a newer tag opens a new one`;
}

function describeTags(tags: Targets): string {
  return Object.entries(tags)
    .map(([image, tag]) => `${image} ${tag}`)
    .join(', ');
}

function closeWords(why: CloseReason): string {
  switch (why) {
    case 'observe':
      return 'the entity observes only';
    case 'entity-gone':
      return 'the entity left the catalog';
    default:
      return 'the base branch already holds the tags';
  }
}

export function pushBranchOf(entityRef: string, spec: AutomationSpec): string {
  if (spec.git.pushBranch) return spec.git.pushBranch;
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return defaultPushBranch({ kind, metadata: { name, namespace } });
}
