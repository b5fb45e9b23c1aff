import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  type AutomationSpec,
  defaultPushBranch,
} from '@image-automation/plugin-image-automation-common';
import {
  ManifestChange,
  rewriteManifest,
  summarizeChanges,
} from '@image-automation/plugin-image-automation-node';
import {
  HistoryEvent,
  ImageAutomationStore,
  WriteBackRecord,
} from '../database/ImageAutomationStore';
import { WriteBackHandler, WriteBackRequest } from '../engine/WriteBackHandler';
import { ImageAutomationMetrics } from '../metrics';
import { GitError, toGitError } from '../scm/GitError';
import { GithubRepository } from '../scm/GithubClients';
import { BranchHead, GitManifestReader } from '../scm/GitManifestReader';
import {
  TemplateData,
  commitMessage,
  hasEntityTrailer,
  pullRequestBody,
  pullRequestTitle,
} from './pullRequestText';

/**
 * How long one replica may hold a branch while it writes: one write takes
 * seconds, and a replica that dies holding the lease delays the branch by
 * at most this much.
 */
const LEASE_MS = 2 * 60_000;
/** Push mode re-reads the base and retries when it moved meanwhile. */
const PUSH_ATTEMPTS = 3;

export interface GithubWriteBackOptions {
  gitReader: GitManifestReader;
  store: ImageAutomationStore;
  logger: LoggerService;
  metrics: ImageAutomationMetrics;
  /** Identifies this replica in leases. */
  instanceId: string;
  /** Added to every pull request (imageAutomation.git.labels). */
  labels: string[];
  /** The portal's `app.baseUrl`, for the entity link in pull requests. */
  appBaseUrl?: string;
  now?: () => number;
}

/** A commit the plugin wants on a branch: the rewritten files on top of the base. */
interface PlannedCommit {
  treeSha: string;
  message: string;
  changes: ManifestChange[];
  data: TemplateData;
}

/**
 * Writes updates back through the GitHub API without a clone: blobs, tree and
 * commit on top of the base head, then one branch and pull request per entity
 * kept up to date (`pull-request`), or a fast-forward of the base (`push`).
 * Repeated cycles, restarts and several replicas converge on one pull request
 * and no duplicate commits: the remote state is checked before each write and
 * a database lease keyed by repository and branch serialises writers.
 */
export class GithubWriteBack implements WriteBackHandler {
  private readonly now: () => number;

  constructor(private readonly options: GithubWriteBackOptions) {
    this.now = options.now ?? Date.now;
  }

  async writeBack(
    request: WriteBackRequest,
  ): Promise<WriteBackRecord | undefined> {
    const { entity, spec, base } = request;
    if (entity.mode === 'observe') return request.previous;
    const branch =
      entity.mode === 'push'
        ? base.branch
        : pushBranchOf(entity.entityRef, spec);
    if (entity.mode === 'pull-request' && branch === base.branch) {
      // Writing "the pull request's branch" would be writing the base itself.
      const fallback = pushBranchOf(entity.entityRef, {
        ...spec,
        git: { ...spec.git, pushBranch: undefined },
      });
      const record: WriteBackRecord = {
        ...baseRecord(request, branch, this.now()),
        errorKind: 'config',
        errorMessage: `git.pushBranch is ${branch}, the base branch itself; a pull request needs a branch of its own: remove git.pushBranch (the default is ${fallback}) or name another branch`,
      };
      await this.options.store.saveWriteBack(record);
      return record;
    }
    const openPullRequest = request.previous?.prState === 'open';
    if (request.updates.length === 0 && !openPullRequest) {
      // Nothing to write and nothing to close: no lease, no request.
      return request.previous;
    }
    const leaseKey = `${base.repository.htmlUrl}#${branch}`;
    const { store, instanceId } = this.options;
    if (
      !(await store.acquireLease(
        leaseKey,
        instanceId,
        this.now(),
        this.now() + LEASE_MS,
      ))
    ) {
      // Another replica is writing this branch right now; it records the result.
      return request.previous;
    }
    const history: HistoryEvent[] = [];
    let record: WriteBackRecord;
    try {
      record =
        entity.mode === 'push'
          ? await this.push(request, history)
          : await this.pullRequest(request, branch, history);
    } catch (error) {
      const gitError = toGitError(
        error,
        base.repository.fullName,
        `write ${branch}`,
      );
      this.options.logger.warn(
        `Write-back for ${entity.entityRef} failed: ${gitError.message}`,
        {
          entityRef: entity.entityRef,
          errorKind: gitError.kind,
        },
      );
      this.options.metrics.recordWriteBack(gitError.kind);
      record = {
        ...baseRecord(request, branch, this.now()),
        errorKind: gitError.kind,
        errorMessage: gitError.message,
      };
    } finally {
      await store.releaseLease(leaseKey, instanceId);
    }
    await store.saveWriteBack(record);
    await store.appendHistory(history);
    return record;
  }

  private async pullRequest(
    request: WriteBackRequest,
    branch: string,
    history: HistoryEvent[],
  ): Promise<WriteBackRecord> {
    const { entity, base, previous, updates } = request;
    const { octokit, owner, repo } = base.repository;
    const record = baseRecord(request, branch, this.now());
    let pull = await this.currentPull(base.repository, branch, previous);
    if (pull) {
      Object.assign(record, {
        prNumber: pull.prNumber,
        prUrl: pull.prUrl,
        prState: pull.prState,
      });
    }

    if (updates.length === 0) {
      // Git already holds every target: an open pull request has nothing left to do.
      if (pull?.prState === 'open') {
        await octokit.issues.createComment({
          owner,
          repo,
          issue_number: pull.prNumber,
          body: `The base branch \`${base.branch}\` already holds the newest allowed tags; closing this pull request.`,
        });
        await octokit.pulls.update({
          owner,
          repo,
          pull_number: pull.prNumber,
          state: 'closed',
        });
        record.prState = 'closed';
        history.push(
          this.event(entity.entityRef, 'pr-closed', {
            prNumber: pull.prNumber,
          }),
        );
        this.options.metrics.recordWriteBack('pr-closed');
      }
      return { ...record, targetTags: previous?.targetTags };
    }

    const planned = await this.plan(request, base);
    if (!planned) return record;

    const existing = await this.branchHead(base.repository, branch);
    let commitSha = existing?.sha;
    if (existing) {
      if (
        existing.sha !== previous?.lastCommitSha &&
        !hasEntityTrailer(existing.message, entity.entityRef)
      ) {
        // A person pushed here: their commits are theirs; we only report it.
        const message = `someone pushed ${existing.sha.slice(0, 7)} ("${
          existing.message.split('\n')[0]
        }") to ${branch}; the plugin leaves the branch alone: merge or close ${
          pull ? `#${pull.prNumber}` : 'the branch'
        } (or delete the branch) and the next cycle proposes the update again`;
        if (previous?.errorKind !== 'branch-edited') {
          history.push(
            this.event(entity.entityRef, 'branch-edited', {
              commitSha: existing.sha,
              detail: message,
            }),
          );
        }
        this.options.metrics.recordWriteBack('branch-edited');
        return {
          ...record,
          errorKind: 'branch-edited',
          errorMessage: message,
          lastCommitSha: previous?.lastCommitSha,
        };
      }
      const upToDate =
        existing.treeSha === planned.treeSha &&
        existing.parentSha === base.headSha;
      if (!upToDate) {
        commitSha = await this.commit(base, planned, request.spec);
        await octokit.git.updateRef({
          owner,
          repo,
          ref: `heads/${branch}`,
          sha: commitSha,
          force: true,
        });
      }
    } else {
      commitSha = await this.commit(base, planned, request.spec);
      await octokit.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${branch}`,
        sha: commitSha,
      });
    }

    const title = pullRequestTitle(request.spec, planned.data);
    const body = pullRequestBody(
      request.spec,
      planned.data,
      planned.changes,
      this.entityUrl(entity.entityRef),
    );
    if (pull?.prState === 'open') {
      if (
        commitSha !== previous?.lastCommitSha ||
        pull.title !== title ||
        pull.body !== body
      ) {
        await octokit.pulls.update({
          owner,
          repo,
          pull_number: pull.prNumber,
          title,
          body,
        });
        history.push(
          ...this.updateEvents(request, 'pr-updated', pull.prNumber, commitSha),
        );
        this.options.metrics.recordWriteBack('pr-updated');
      }
    } else {
      pull = await this.openPull(base.repository, {
        branch,
        base: base.branch,
        title,
        body,
      });
      const labels = [
        ...new Set([
          ...this.options.labels,
          ...(request.spec.git.pullRequest?.labels ?? []),
        ]),
      ];
      if (labels.length) {
        await octokit.issues.addLabels({
          owner,
          repo,
          issue_number: pull.prNumber,
          labels,
        });
      }
      history.push(
        ...this.updateEvents(request, 'pr-opened', pull.prNumber, commitSha),
      );
      this.options.metrics.recordWriteBack('pr-opened');
    }
    return {
      ...record,
      prNumber: pull.prNumber,
      prUrl: pull.prUrl,
      prState: 'open',
      targetTags: request.targetTags,
      lastCommitSha: commitSha,
    };
  }

  private async push(
    request: WriteBackRequest,
    history: HistoryEvent[],
  ): Promise<WriteBackRecord> {
    const { base, updates, entity } = request;
    const record = baseRecord(request, base.branch, this.now());
    if (updates.length === 0)
      return { ...record, targetTags: request.targetTags };
    const { octokit, owner, repo } = base.repository;
    let head: BranchHead = base;
    for (let attempt = 1; ; attempt++) {
      const planned = await this.plan(request, head);
      if (!planned) return { ...record, targetTags: request.targetTags };
      const sha = await this.commit(head, planned, request.spec);
      try {
        // Never forced: a base that moved is re-read and the update redone on top.
        await octokit.git.updateRef({
          owner,
          repo,
          ref: `heads/${base.branch}`,
          sha,
          force: false,
        });
        history.push(...this.updateEvents(request, 'pushed', undefined, sha));
        this.options.metrics.recordWriteBack('pushed');
        return {
          ...record,
          targetTags: request.targetTags,
          lastCommitSha: sha,
        };
      } catch (error) {
        const { status, message } = error as {
          status?: number;
          message?: string;
        };
        const baseMoved = status === 422 && /fast.forward/i.test(message ?? '');
        if (!baseMoved || attempt >= PUSH_ATTEMPTS) throw error;
        this.options.logger.info(
          `${base.branch} of ${base.repository.fullName} moved while pushing for ${entity.entityRef}; retrying on the new head`,
        );
        head = await this.options.gitReader.openBranch(
          entity.gitRepository!,
          base.branch,
        );
      }
    }
  }

  /** Rewrites the entity's files at `head` to the target tags; undefined when nothing changes. */
  private async plan(
    request: WriteBackRequest,
    head: BranchHead,
  ): Promise<PlannedCommit | undefined> {
    const { spec, targetTags, entity } = request;
    const images: Record<string, string> = {};
    for (const image of spec.images) {
      if (targetTags[image.name])
        images[image.name] = `${image.image}:${targetTags[image.name]}`;
    }
    const paths = [
      ...new Set(spec.images.filter(i => images[i.name]).flatMap(i => i.files)),
    ];
    const snapshot = await this.options.gitReader.readFiles(head, paths);
    if (snapshot.missing.length) {
      throw new GitError(
        'git-not-found',
        `${snapshot.missing.join(', ')} not found in ${
          head.repository.fullName
        }@${head.branch}: check image-automation/files`,
      );
    }
    const changes: ManifestChange[] = [];
    const tree: Array<{
      path: string;
      mode: '100644' | '100755';
      type: 'blob';
      content: string;
    }> = [];
    for (const file of snapshot.files.values()) {
      const targets = spec.images
        .filter(i => images[i.name] && i.files.includes(file.path))
        .map(i => ({ policy: i.name, container: i.container }));
      const result = rewriteManifest(
        { path: file.path, content: file.content },
        images,
        { targets },
      );
      if (result.content === file.content) continue;
      changes.push(...result.changes);
      const mode =
        head.entries.get(file.path)?.mode === '100755' ? '100755' : '100644';
      tree.push({
        path: file.path,
        mode,
        type: 'blob',
        content: result.content,
      });
    }
    if (!tree.length) return undefined;
    const { octokit, owner, repo } = head.repository;
    const created = await octokit.git.createTree({
      owner,
      repo,
      base_tree: head.treeSha,
      tree,
    });
    const data: TemplateData = {
      ...summarizeChanges(changes),
      AutomationObject: entity.entityRef,
    };
    return {
      treeSha: created.data.sha,
      message: commitMessage(spec, data),
      changes,
      data,
    };
  }

  private async commit(
    head: BranchHead,
    planned: PlannedCommit,
    spec: AutomationSpec,
  ): Promise<string> {
    const { octokit, owner, repo } = head.repository;
    // GitHub takes an author only with both name and email; else the token's user.
    const configured = spec.git.commit?.author;
    const author =
      configured?.name && configured.email
        ? { name: configured.name, email: configured.email }
        : undefined;
    const commit = await octokit.git.createCommit({
      owner,
      repo,
      message: planned.message,
      tree: planned.treeSha,
      parents: [head.headSha],
      ...(author ? { author } : {}),
    });
    return commit.data.sha;
  }

  private async branchHead(repository: GithubRepository, branch: string) {
    const { octokit, owner, repo } = repository;
    let sha: string;
    try {
      sha = (await octokit.git.getRef({ owner, repo, ref: `heads/${branch}` }))
        .data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
    const commit = (
      await octokit.git.getCommit({ owner, repo, commit_sha: sha })
    ).data;
    return {
      sha,
      message: commit.message,
      treeSha: commit.tree.sha,
      parentSha: commit.parents[0]?.sha,
    };
  }

  /** The pull request this entity's branch has: the stored one, else an open one on GitHub. */
  private async currentPull(
    repository: GithubRepository,
    branch: string,
    previous?: WriteBackRecord,
  ) {
    const { octokit, owner, repo } = repository;
    if (previous?.prNumber && previous.branch === branch) {
      const pull = (
        await octokit.pulls.get({ owner, repo, pull_number: previous.prNumber })
      ).data;
      if (
        pull.state === 'open' ||
        !(await this.findOpenPull(repository, branch))
      ) {
        return pullInfo(pull);
      }
    }
    return this.findOpenPull(repository, branch);
  }

  private async findOpenPull(
    { octokit, owner, repo }: GithubRepository,
    branch: string,
  ) {
    const open = await octokit.pulls.list({
      owner,
      repo,
      state: 'open',
      head: `${owner}:${branch}`,
    });
    return open.data[0] ? pullInfo(open.data[0]) : undefined;
  }

  private async openPull(
    repository: GithubRepository,
    pull: { branch: string; base: string; title: string; body: string },
  ) {
    const { octokit, owner, repo } = repository;
    try {
      const created = await octokit.pulls.create({
        owner,
        repo,
        head: pull.branch,
        base: pull.base,
        title: pull.title,
        body: pull.body,
        maintainer_can_modify: true,
      });
      return pullInfo(created.data);
    } catch (error) {
      // Opened meanwhile (a replica that lost its lease, or a person): use it.
      const existing =
        (error as { status?: number }).status === 422
          ? await this.findOpenPull(repository, pull.branch)
          : undefined;
      if (existing) return existing;
      throw error;
    }
  }

  private updateEvents(
    request: WriteBackRequest,
    event: HistoryEvent['event'],
    prNumber: number | undefined,
    commitSha: string | undefined,
  ): HistoryEvent[] {
    return request.updates.map(update => ({
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

  private entityUrl(entityRef: string): string | undefined {
    if (!this.options.appBaseUrl) return undefined;
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `${this.options.appBaseUrl.replace(
      /\/$/,
      '',
    )}/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
  }
}

function pushBranchOf(entityRef: string, spec: AutomationSpec): string {
  if (spec.git.pushBranch) return spec.git.pushBranch;
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return defaultPushBranch({ kind, metadata: { name, namespace } });
}

function baseRecord(
  request: WriteBackRequest,
  branch: string,
  now: number,
): WriteBackRecord {
  const { previous, entity, base } = request;
  return {
    entityRef: entity.entityRef,
    gitRepository: entity.gitRepository ?? base.repository.htmlUrl,
    branch,
    prNumber: previous?.branch === branch ? previous.prNumber : undefined,
    prUrl: previous?.branch === branch ? previous.prUrl : undefined,
    prState: previous?.branch === branch ? previous.prState : undefined,
    targetTags: previous?.targetTags,
    lastCommitSha: previous?.lastCommitSha,
    updatedAt: now,
  };
}

function pullInfo(pull: {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  merged?: boolean;
  title: string;
  body?: string | null;
}) {
  let prState: 'open' | 'closed' | 'merged' =
    pull.state === 'open' ? 'open' : 'closed';
  if (pull.merged || pull.merged_at) prState = 'merged';
  return {
    prNumber: pull.number,
    prUrl: pull.html_url,
    prState,
    title: pull.title,
    body: pull.body ?? '',
  };
}
