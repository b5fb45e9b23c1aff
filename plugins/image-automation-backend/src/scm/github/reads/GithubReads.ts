import type { Octokit } from '@octokit/rest';
import { GitFile, TreeEntry } from '../../port';
import { manifestEntries } from '../../port/manifestEntries';
import { BlobContents, DEFAULT_BLOB_CACHE_BYTES } from './BlobContents';
import { BlobQueries, BlobQueryLimits } from './BlobQueries';
import { ConditionalReads } from './ConditionalReads';
import { GithubGraphql } from './GithubGraphql';
import { GithubReadTarget } from './GithubReadTarget';
import { GithubRest } from './GithubRest';
import { HeadQueries } from './HeadQueries';
import { RateLimitGate } from './RateLimitGate';
import { Semaphore } from './Semaphore';
import { TarballLimits, TarballReads } from './TarballReads';
import { TreeListings } from './TreeListings';

export interface GithubReadsOptions extends BlobQueryLimits, TarballLimits {
  /** Bytes of blob contents kept across cycles (default 64 MiB). */
  blobCacheBytes?: number;
  /** GraphQL calls in flight at once, over all repositories (default 4). */
  maxConcurrentQueries?: number;
  /** REST reads (tree listings, raw blobs, refs) in flight at once (default 8). */
  maxConcurrentRestReads?: number;
  /**
   * Longest rate-limit wait a read sits out before failing (default 60 s):
   * a secondary limit's retry-after is waited for, a spent hourly budget is not.
   */
  maxRateLimitWaitMs?: number;
  /**
   * How long an opened branch head serves later callers when no new cycle
   * was begun (default 60 s): the entities of a repository share one head.
   */
  headTtlMs?: number;
  now?: () => number;
}

/** A branch head with its file listing. */
export interface BranchListing {
  branch: string;
  headSha: string;
  treeSha: string;
  entries: Map<string, TreeEntry>;
}

const isNotFound = (error: unknown) =>
  (error as { status?: number }).status === 404;

const headKey = (target: GithubReadTarget, branch: string | undefined) =>
  `${target.owner}/${target.repo}\u0000${branch ?? ''}`.toLowerCase();

interface OpenedHead {
  openedAt: number;
  listing: Promise<BranchListing | undefined>;
}

/**
 * GitHub reads that cost a few requests per repository, not one per file:
 * branch heads of many repositories per GraphQL call; one recursive listing
 * per new tree, cached by sha; blobs by the hundred per GraphQL call, cached
 * by sha within a byte budget; refs read conditionally (a 304 is free). A
 * cycle begins with `beginCycle()`; until the next, every entity of a
 * repository shares one head and one listing. A spent rate limit stops all
 * reads of that token until GitHub's reset, with that time in the error.
 */
export class GithubReads {
  private readonly gates = new WeakMap<Octokit, RateLimitGate>();
  private readonly heads = new Map<string, OpenedHead>();
  private readonly blobs: BlobContents;
  private readonly headQueries: HeadQueries;
  private readonly blobQueries: BlobQueries;
  private readonly trees: TreeListings;
  private readonly tarballs: TarballReads;
  private readonly conditional = new ConditionalReads();
  private readonly rest: GithubRest;
  private readonly now: () => number;
  private readonly headTtlMs: number;
  private readonly maxRateLimitWaitMs?: number;

  constructor(options: GithubReadsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.headTtlMs = options.headTtlMs ?? 60_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs;
    this.blobs = new BlobContents(
      options.blobCacheBytes ?? DEFAULT_BLOB_CACHE_BYTES,
    );
    const graphql = new GithubGraphql(
      new Semaphore(options.maxConcurrentQueries ?? 4),
    );
    const gateFor = (octokit: Octokit) => this.gateFor(octokit);
    this.rest = new GithubRest(
      new Semaphore(options.maxConcurrentRestReads ?? 8),
      gateFor,
    );
    this.headQueries = new HeadQueries(graphql, gateFor);
    this.blobQueries = new BlobQueries(graphql, gateFor, this.rest, options);
    this.trees = new TreeListings(this.rest);
    this.tarballs = new TarballReads(this.rest, options);
  }

  /** Heads opened before are asked again from now on (what changed since shows). */
  beginCycle(): void {
    this.heads.clear();
  }

  /** Drops the head of a branch this process just moved, so the next open reads it anew. */
  forget(target: GithubReadTarget, branch: string): void {
    this.heads.delete(headKey(target, branch));
    this.heads.delete(headKey(target, undefined));
  }

  /**
   * The head of `branch` (default: the repository's default branch) and its
   * files; undefined when the branch does not exist. Shared by every caller
   * of this cycle.
   */
  openBranch(
    target: GithubReadTarget,
    branch?: string,
  ): Promise<BranchListing | undefined> {
    const key = headKey(target, branch);
    const opened = this.heads.get(key);
    const now = this.now();
    if (opened && now - opened.openedAt < this.headTtlMs) {
      return opened.listing;
    }
    const listing = this.list(target, branch);
    this.heads.set(key, {
      openedAt: now,
      listing,
    });
    if (branch === undefined) {
      // Opening the default branch by its name next (as callers do) costs nothing more.
      listing.then(
        resolved => {
          const named = resolved && headKey(target, resolved.branch);
          if (named && !this.heads.has(named)) {
            this.heads.set(named, { openedAt: now, listing });
          }
        },
        () => undefined,
      );
    }
    listing.catch(() => {
      if (this.heads.get(key)?.listing === listing) this.heads.delete(key);
    });
    return listing;
  }

  private async list(
    target: GithubReadTarget,
    branch: string | undefined,
  ): Promise<BranchListing | undefined> {
    const found = await this.headQueries.head(target, branch);
    if (!found) return undefined;
    const { diskUsageKb, ...head } = found;
    if (
      !this.trees.has(target, head.treeSha) &&
      this.tarballs.suits(diskUsageKb)
    ) {
      const archived = await this.tarballs.read(target, found);
      if (archived) {
        this.trees.put(target, head.treeSha, archived.entries);
        archived.texts.forEach((text, sha) => this.blobs.set(sha, text));
        return { ...head, entries: archived.entries };
      }
    }
    const entries = await this.trees.list(target, head.treeSha, head.branch);
    return { ...head, entries };
  }

  /**
   * Files at a listed head, checked first (no links, nothing over the
   * manifest size limit), then read: cached blobs from memory, the rest in
   * batches. Paths not in the listing come back in `missing`.
   */
  async readFiles(
    target: GithubReadTarget,
    head: Pick<BranchListing, 'branch' | 'entries'>,
    paths: string[],
  ): Promise<{ files: Map<string, GitFile>; missing: string[] }> {
    // GitHub's tree listings carry true sizes: checked before any download.
    const { wanted, missing } = manifestEntries(
      head.entries,
      new Set(paths),
      `${target.displayName}@${head.branch}`,
      { listedSizes: true },
    );
    const contents = await Promise.all(
      wanted.map(({ path, entry }) => this.blob(target, path, entry)),
    );
    const files = new Map<string, GitFile>(
      wanted.map(({ path, entry }, i) => [
        path,
        { path, blobSha: entry.sha, content: contents[i] },
      ]),
    );
    return { files, missing };
  }

  /** The sha a branch points at now, asked conditionally: free when it has not moved. */
  async branchSha(
    target: GithubReadTarget,
    branch: string,
  ): Promise<string | undefined> {
    const ref = await this.conditionalGet<{ object: { sha: string } }>(
      target,
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      { owner: target.owner, repo: target.repo, ref: `heads/${branch}` },
      `find branch ${branch}`,
      { notFoundAsUndefined: true },
    );
    return ref?.object.sha;
  }

  /**
   * A GET of something that changes rarely (a ref, the open pull requests of
   * a branch), sent with the ETag of the last answer: a 304 is free and
   * hands back what was kept.
   */
  conditionalGet<T>(
    target: GithubReadTarget,
    route: string,
    params: Record<string, unknown>,
    doing: string,
  ): Promise<T>;
  conditionalGet<T>(
    target: GithubReadTarget,
    route: string,
    params: Record<string, unknown>,
    doing: string,
    options: { notFoundAsUndefined: true },
  ): Promise<T | undefined>;
  async conditionalGet<T>(
    target: GithubReadTarget,
    route: string,
    params: Record<string, unknown>,
    doing: string,
    options: { notFoundAsUndefined?: boolean } = {},
  ): Promise<T | undefined> {
    const { octokit, displayName } = target;
    try {
      return await this.rest.call(
        octokit,
        { repository: displayName, doing },
        async observe =>
          (
            await this.conditional.get<T>(octokit, route, params, observe)
          ).data,
        error => !!options.notFoundAsUndefined && isNotFound(error),
      );
    } catch (error) {
      if (options.notFoundAsUndefined && isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async blob(
    target: GithubReadTarget,
    path: string,
    entry: TreeEntry,
  ): Promise<string> {
    const cached = this.blobs.get(entry.sha);
    if (cached !== undefined) return cached;
    const content = await this.blobQueries.read(target, {
      sha: entry.sha,
      size: entry.size,
      path,
    });
    this.blobs.set(entry.sha, content);
    return content;
  }

  private gateFor(octokit: Octokit): RateLimitGate {
    let gate = this.gates.get(octokit);
    if (!gate) {
      gate = new RateLimitGate(this.now, this.maxRateLimitWaitMs);
      this.gates.set(octokit, gate);
    }
    return gate;
  }
}
