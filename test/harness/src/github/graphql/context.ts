import { isAllowed, TokenGrant } from '../auth';
import { EmulatedRepository } from '../model';
import { GithubShapes, nodeId } from '../shapes';
import { GithubGraphqlError } from './errors';

/** What every resolver sees: who asks, and the emulator's repositories. */
export interface GraphqlContext {
  grant: TokenGrant;
  shapes: GithubShapes;
  findRepository(owner: string, name: string): EmulatedRepository | undefined;
  repositories(): EmulatedRepository[];
  /** The `rateLimit` field: the budget after this call was charged. */
  rateLimit(): {
    cost: number;
    nodeCount: number;
    limit: number;
    remaining: number;
    used: number;
    resetAt: string;
  };
  /** Whether a query touching this repository times out (a fault a test injected). */
  timesOut(fullName: string): boolean;
  /** Set once the query touched such a repository: GitHub answers the whole query with a timeout. */
  timedOut?: boolean;
  /** Revisions resolved once per call: a query naming `main:a` and `main:b` resolves `main` once. */
  revisions: Map<string, Promise<string | undefined>>;
  /** The repositories by node id, made at the first `node`, `nodes` or mutation lookup of a call. */
  repositoriesByNodeId?: Map<string, EmulatedRepository>;
}

export const repositoryNodeId = (repo: EmulatedRepository) =>
  nodeId('R', repo.fullName);

export function visibleRepository(
  ctx: GraphqlContext,
  repo: EmulatedRepository | undefined,
): repo is EmulatedRepository {
  return !!repo && (!ctx.grant.canAccess || ctx.grant.canAccess(repo));
}

/** GitHub's FORBIDDEN for a fine-grained actor lacking a permission the field needs. */
export function requirePermission(
  ctx: GraphqlContext,
  name: 'contents',
  level: 'read' | 'write',
) {
  if (!isAllowed(ctx.grant, [{ [name]: level }])) {
    throw new GithubGraphqlError(
      'FORBIDDEN',
      'Resource not accessible by integration',
    );
  }
}

export function repositoryByNodeId(
  ctx: GraphqlContext,
  id: string,
): EmulatedRepository {
  if (!ctx.repositoriesByNodeId) {
    // One pass for the call, not one per id it names.
    ctx.repositoriesByNodeId = new Map();
    for (const r of ctx.repositories()) {
      const key = repositoryNodeId(r);
      if (!ctx.repositoriesByNodeId.has(key)) {
        ctx.repositoriesByNodeId.set(key, r);
      }
    }
  }
  const repo = ctx.repositoriesByNodeId.get(id);
  if (!visibleRepository(ctx, repo)) {
    throw new GithubGraphqlError(
      'NOT_FOUND',
      `Could not resolve to a node with the global id of '${id}'`,
    );
  }
  return repo;
}
