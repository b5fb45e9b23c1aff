import type { Octokit } from '@octokit/rest';
import { GitError } from '../../GitError';
import {
  aliasOf,
  callError,
  fieldError,
  GithubGraphql,
  RATE_LIMIT_SELECTION,
} from './GithubGraphql';
import { GithubReadTarget } from './GithubReadTarget';
import { GithubRest } from './GithubRest';
import { MicroBatcher } from './MicroBatcher';
import { RateLimitGate } from './RateLimitGate';

/** A blob to read: its id, the size the tree listed, a path for messages. */
export interface BlobRequest {
  sha: string;
  size: number;
  path: string;
}

export interface BlobQueryLimits {
  /** Blobs per GraphQL call (default 100). */
  maxBlobsPerQuery?: number;
  /** Bytes of blob text per call (default 2 MiB), so no call runs into GitHub's ten-second timeout. */
  maxBytesPerQuery?: number;
}

interface BlobSelection {
  text: string | null;
  isTruncated: boolean;
  isBinary: boolean | null;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * Blob contents through GitHub GraphQL: the blobs asked for in one turn of
 * the event loop, per repository, as `object(oid:)` aliases of as few calls
 * as the limits allow (a repository of a hundred manifests: one call, one
 * point). Blobs GitHub truncates or calls binary are read raw over REST.
 */
export class BlobQueries {
  private readonly batcher: MicroBatcher<string, BlobRequest, string>;
  private readonly targets = new Map<string, GithubReadTarget>();
  private readonly maxBlobs: number;
  private readonly maxBytes: number;

  constructor(
    private readonly graphql: GithubGraphql,
    private readonly gateFor: (octokit: Octokit) => RateLimitGate,
    private readonly rest: GithubRest,
    limits: BlobQueryLimits = {},
  ) {
    this.maxBlobs = limits.maxBlobsPerQuery ?? 100;
    this.maxBytes = limits.maxBytesPerQuery ?? 2 * 1024 * 1024;
    // A whole turn's blobs of a repository are one batch; `chunks` splits it into calls.
    this.batcher = new MicroBatcher(10_000, (key, requests) => {
      const target = this.targets.get(key)!;
      this.targets.delete(key);
      return this.readBatch(target, requests);
    });
  }

  read(target: GithubReadTarget, request: BlobRequest): Promise<string> {
    if (!FULL_SHA.test(request.sha)) {
      return Promise.reject(
        new GitError(
          'git-bad-repository',
          `${request.path} in ${target.displayName} has no valid blob id`,
        ),
      );
    }
    // One batch per repository and token: the target that opened it answers for all.
    const key = targetKey(target);
    if (!this.targets.has(key)) this.targets.set(key, target);
    return this.batcher.load(key, request);
  }

  private async readBatch(
    target: GithubReadTarget,
    requests: BlobRequest[],
  ): Promise<Array<string | Error>> {
    const unique = new Map<string, BlobRequest>();
    for (const request of requests) unique.set(request.sha, request);
    const contents = new Map<string, string | Error>();
    await Promise.all(
      this.chunks([...unique.values()]).map(async chunk => {
        try {
          const answered = await this.query(target, chunk);
          answered.forEach((value, sha) => contents.set(sha, value));
        } catch (error) {
          for (const { sha } of chunk) contents.set(sha, error as Error);
        }
      }),
    );
    return requests.map(r => contents.get(r.sha)!);
  }

  /** Groups of at most `maxBlobs` blobs and `maxBytes` bytes (a larger blob goes alone). */
  private chunks(requests: BlobRequest[]): BlobRequest[][] {
    const chunks: BlobRequest[][] = [];
    let current: BlobRequest[] = [];
    let bytes = 0;
    for (const request of requests) {
      if (
        current.length > 0 &&
        (current.length >= this.maxBlobs ||
          bytes + request.size > this.maxBytes)
      ) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(request);
      bytes += request.size;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  }

  private async query(
    target: GithubReadTarget,
    chunk: BlobRequest[],
  ): Promise<Map<string, string | Error>> {
    const { octokit, displayName } = target;
    const gate = this.gateFor(octokit);
    const doing =
      chunk.length === 1
        ? `read ${chunk[0].path}`
        : `read ${chunk.length} files`;
    // Shas are checked to be 40 hex digits, so they are safe as literals.
    const selections = chunk
      .map(
        ({ sha }, i) =>
          `b${i}: object(oid: "${sha}") { ... on Blob { text isTruncated isBinary } }`,
      )
      .join(' ');
    const answer = await this.graphql.call<{
      repository: Record<string, BlobSelection | null> | null;
    }>(
      octokit,
      gate,
      `query($owner: String!, $name: String!) { ${RATE_LIMIT_SELECTION} repository(owner: $owner, name: $name) { ${selections} } }`,
      { owner: target.owner, name: target.repo },
      { repository: displayName, doing },
    );
    const aliases = new Set(chunk.map((_, i) => `b${i}`));
    const fieldErrors = answer.errors.filter(
      e => aliasOf(e, 0) === 'repository' && aliases.has(aliasOf(e, 1) ?? ''),
    );
    const general = callError(
      answer.errors.filter(e => !fieldErrors.includes(e)),
      0,
      new Set(['rateLimit']),
      displayName,
      doing,
    );
    if (general) throw general;
    const results = new Map<string, string | Error>();
    await Promise.all(
      chunk.map(async (request, i) => {
        const alias = `b${i}`;
        const failed = fieldErrors.find(e => aliasOf(e, 1) === alias);
        const blob = answer.data?.repository?.[alias];
        if (failed) {
          results.set(
            request.sha,
            fieldError(failed, displayName, `read ${request.path}`),
          );
        } else if (!blob) {
          results.set(
            request.sha,
            new GitError(
              'git-not-found',
              `GitHub has no blob ${request.sha} for ${request.path} in ${displayName}`,
            ),
          );
        } else if (blob.isTruncated || blob.text === null) {
          results.set(
            request.sha,
            await this.rawBlob(target, request).catch(e => e),
          );
        } else {
          results.set(request.sha, blob.text);
        }
      }),
    );
    return results;
  }

  /** What GraphQL will not give whole: the blob's bytes over REST's raw media type. */
  private async rawBlob(
    target: GithubReadTarget,
    { sha, path }: BlobRequest,
  ): Promise<string> {
    const { octokit, owner, repo, displayName } = target;
    return this.rest.call(
      octokit,
      { repository: displayName, doing: `read ${path}` },
      async observe => {
        const response = await octokit.git.getBlob({
          owner,
          repo,
          file_sha: sha,
          mediaType: { format: 'raw' },
        });
        observe(response.headers);
        return rawText(response.data as unknown);
      },
    );
  }
}

/** Blobs of one repository read with one token share a batch. */
const tokenIds = new WeakMap<Octokit, number>();
let lastTokenId = 0;
function targetKey(target: GithubReadTarget): string {
  let id = tokenIds.get(target.octokit);
  if (id === undefined) {
    id = ++lastTokenId;
    tokenIds.set(target.octokit, id);
  }
  return `${id}\u0000${target.owner}/${target.repo}`.toLowerCase();
}

/** Octokit hands raw bodies over as text or as bytes, by content type. */
function rawText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data)) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(
      'utf8',
    );
  }
  throw new GitError(
    'git-bad-repository',
    'GitHub answered a raw blob request with no content',
  );
}
