import { isAllowed } from '../auth';
import { GitTreeEntry, isFullSha } from '../../git/BareRepository';
import { EmulatedRepository } from '../model';
import { nodeId, stableId } from '../shapes';
import {
  GraphqlContext,
  repositoryByNodeId,
  repositoryNodeId,
  requirePermission,
  visibleRepository,
} from './context';
import { GithubGraphqlError } from './errors';
import { updateRefs } from './updateRefs';

type ObjectKind = 'Commit' | 'Tree' | 'Blob';

/** A Git object as resolvers pass it on; `path` is where a tree sits, for its entries' paths. */
export interface ObjectModel {
  kind: ObjectKind;
  repo: EmulatedRepository;
  oid: string;
  path?: string;
}

interface RefModel {
  repo: EmulatedRepository;
  fullRef: string;
  sha: string;
}

interface EntryModel {
  repo: EmulatedRepository;
  entry: GitTreeEntry;
  dir: string;
}

/** GitHub truncates `Blob.text` of large files; `isTruncated` says so. */
export const BLOB_TEXT_LIMIT_BYTES = 512 * 1024;

const KIND_OF_TYPE: Record<string, ObjectKind | undefined> = {
  commit: 'Commit',
  tree: 'Tree',
  blob: 'Blob',
};

async function objectModel(
  repo: EmulatedRepository,
  oid: string,
  path?: string,
): Promise<ObjectModel | null> {
  const type = await repo.git.objectType(oid);
  const kind = type && KIND_OF_TYPE[type];
  return kind
    ? { kind, repo, oid, ...(path !== undefined ? { path } : {}) }
    : null;
}

function resolveRevision(
  ctx: GraphqlContext,
  repo: EmulatedRepository,
  revision: string,
): Promise<string | undefined> {
  const key = `${repo.fullName}\u0000${revision}`;
  let resolved = ctx.revisions.get(key);
  if (!resolved) {
    resolved = repo.resolveCommit(revision);
    ctx.revisions.set(key, resolved);
  }
  return resolved;
}

/** A full id names itself: no `git rev-parse` needed once its type is known. */
async function fullCommitId(repo: EmulatedRepository, sha: string) {
  return (await repo.git.objectType(sha)) === 'commit' ? sha : undefined;
}

/**
 * `Repository.object(expression:)`: what `git rev-parse` makes of `<rev>` or `<rev>:<path>`,
 * null when nothing matches (GitHub answers null, not an error).
 */
async function objectAtExpression(
  ctx: GraphqlContext,
  repo: EmulatedRepository,
  expression: string,
): Promise<ObjectModel | null> {
  const colon = expression.indexOf(':');
  if (colon === -1) {
    if (isFullSha(expression)) {
      return objectModel(repo, expression);
    }
    const commit = await resolveRevision(ctx, repo, expression);
    return commit ? objectModel(repo, commit) : null;
  }
  const revision = expression.slice(0, colon);
  const path = expression.slice(colon + 1).replace(/^\/+|\/+$/g, '');
  if (!revision) {
    return null;
  }
  const commit = isFullSha(revision)
    ? await fullCommitId(repo, revision)
    : await resolveRevision(ctx, repo, revision);
  if (!commit) {
    return null;
  }
  const { tree } = await repo.git.readCommit(commit);
  const entry = await repo.git.findEntry(tree, path);
  if (!entry || entry.type === 'commit') {
    return null;
  }
  return objectModel(repo, entry.sha, path);
}

async function refModel(
  repo: EmulatedRepository,
  fullRef: string,
): Promise<RefModel | null> {
  const sha = await repo.readRef(fullRef);
  return sha ? { repo, fullRef, sha } : null;
}

/** Relay-style pages over a list, with the opaque cursors GitHub uses. */
function connection<T>(
  items: readonly T[],
  args: { first?: number; last?: number; after?: string; before?: string },
) {
  const cursor = (index: number) =>
    Buffer.from(`cursor:${index + 1}`).toString('base64');
  const position = (value: string | undefined) => {
    if (value === undefined) return undefined;
    const match = /^cursor:(\d+)$/.exec(
      Buffer.from(value, 'base64').toString(),
    );
    if (!match) {
      throw new GithubGraphqlError(
        'INVALID_CURSOR_ARGUMENTS',
        `\`${value}\` does not appear to be a valid cursor.`,
      );
    }
    return Number(match[1]) - 1;
  };
  let start = 0;
  let end = items.length;
  const after = position(args.after);
  const before = position(args.before);
  if (after !== undefined) start = after + 1;
  if (before !== undefined) end = Math.min(end, before);
  if (args.first !== undefined) end = Math.min(end, start + args.first);
  if (args.last !== undefined) start = Math.max(start, end - args.last);
  const page = items.slice(start, end).map((node, i) => ({
    node,
    cursor: cursor(start + i),
  }));
  return {
    edges: page,
    nodes: page.map(e => e.node),
    totalCount: items.length,
    pageInfo: {
      startCursor: page[0]?.cursor ?? null,
      endCursor: page[page.length - 1]?.cursor ?? null,
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
    },
  };
}

const isBinary = (content: Buffer) => content.subarray(0, 8000).includes(0);

const gitObjectFields = {
  abbreviatedOid: (o: ObjectModel) => o.oid.slice(0, 7),
  id: (o: ObjectModel) => nodeId(o.kind[0], `${o.repo.fullName}:${o.oid}`),
  oid: (o: ObjectModel) => o.oid,
  repository: (o: ObjectModel) => o.repo,
};

type Resolver = (
  parent: any,
  args: any,
  ctx: GraphqlContext,
) => unknown | Promise<unknown>;

/** Field resolvers by type, and `__resolveType` for the interfaces. */
export const resolvers: Record<string, Record<string, Resolver>> = {
  Query: {
    repository(_, { owner, name }: { owner: string; name: string }, ctx) {
      const repo = ctx.findRepository(owner, name);
      if (!visibleRepository(ctx, repo)) {
        throw new GithubGraphqlError(
          'NOT_FOUND',
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      if (ctx.timesOut(repo.fullName)) ctx.timedOut = true;
      return repo;
    },
    rateLimit: (_, __, ctx) => ctx.rateLimit(),
    viewer: (_, __, ctx) => ({ login: ctx.grant.actor.login }),
    node: (_, { id }: { id: string }, ctx) => repositoryByNodeId(ctx, id),
    nodes: (_, { ids }: { ids: string[] }, ctx) =>
      ids.map(id => repositoryByNodeId(ctx, id)),
  },
  Mutation: {
    updateRefs: (_, { input }, ctx) => updateRefs(ctx, input),
  },
  Node: {
    __resolveType: (value: any) =>
      value instanceof EmulatedRepository ? 'Repository' : value.kind,
  },
  RepositoryOwner: { __resolveType: () => 'User' },
  GitObject: { __resolveType: (o: ObjectModel) => o.kind },
  User: {
    databaseId: (u: { login: string }) => stableId(u.login),
    id: (u: { login: string }) => nodeId('U', u.login),
    url: (u: { login: string }, _, ctx) =>
      `${ctx.shapes.htmlBaseUrl}/${u.login}`,
  },
  Repository: {
    databaseId: (r: EmulatedRepository) => r.id,
    diskUsage: (r: EmulatedRepository) => r.diskUsageKb(),
    id: repositoryNodeId,
    isArchived: () => false,
    isPrivate: () => true,
    nameWithOwner: (r: EmulatedRepository) => r.fullName,
    owner: (r: EmulatedRepository) => ({ login: r.owner }),
    url: (r: EmulatedRepository, _, ctx) => ctx.shapes.repoHtmlUrl(r),
    viewerPermission(_, __, ctx) {
      if (!ctx.grant.permissions) return 'ADMIN';
      return isAllowed(ctx.grant, [{ contents: 'write' }]) ? 'WRITE' : 'READ';
    },
    defaultBranchRef: (r: EmulatedRepository) =>
      refModel(r, `refs/heads/${r.defaultBranch}`),
    async ref(
      r: EmulatedRepository,
      { qualifiedName }: { qualifiedName: string },
    ) {
      // Fully qualified names first, then short names as branches, then as tags.
      const candidates = qualifiedName.startsWith('refs/')
        ? [qualifiedName]
        : [`refs/heads/${qualifiedName}`, `refs/tags/${qualifiedName}`];
      for (const candidate of candidates) {
        const found = await refModel(r, candidate);
        if (found) return found;
      }
      return null;
    },
    async refs(r: EmulatedRepository, args) {
      const prefix: string = args.refPrefix;
      if (!prefix.endsWith('/')) {
        throw new GithubGraphqlError(
          'UNPROCESSABLE',
          'refPrefix must end with a slash (e.g. "refs/heads/")',
        );
      }
      const all = (await r.git.listRefs())
        .filter(ref => ref.ref.startsWith(prefix))
        .filter(
          ref =>
            !args.query || ref.ref.slice(prefix.length).includes(args.query),
        )
        .map(ref => ({ repo: r, fullRef: ref.ref, sha: ref.sha }));
      if ((args.orderBy?.direction ?? args.direction) === 'DESC') all.reverse();
      return connection(all, args);
    },
    object(
      r: EmulatedRepository,
      args: { expression?: string; oid?: string },
      ctx,
    ) {
      requirePermission(ctx, 'contents', 'read');
      if (args.oid !== undefined) return objectModel(r, args.oid);
      if (args.expression !== undefined) {
        return objectAtExpression(ctx, r, args.expression);
      }
      return null;
    },
  },
  Ref: {
    id: (ref: RefModel) => nodeId('REF', `${ref.repo.fullName}:${ref.fullRef}`),
    name: (ref: RefModel) => ref.fullRef.replace(/^refs\/(heads|tags)\//, ''),
    prefix: (ref: RefModel) =>
      /^refs\/(heads|tags)\//.exec(ref.fullRef)?.[0] ?? 'refs/',
    repository: (ref: RefModel) => ref.repo,
    target(ref: RefModel, _, ctx) {
      requirePermission(ctx, 'contents', 'read');
      return objectModel(ref.repo, ref.sha);
    },
  },
  Commit: {
    ...gitObjectFields,
    commitUrl: (o: ObjectModel, _, ctx) =>
      `${ctx.shapes.repoHtmlUrl(o.repo)}/commit/${o.oid}`,
    url: (o: ObjectModel, _, ctx) =>
      `${ctx.shapes.repoHtmlUrl(o.repo)}/commit/${o.oid}`,
    tree: async (o: ObjectModel) => ({
      kind: 'Tree',
      repo: o.repo,
      oid: (await o.repo.git.readCommit(o.oid)).tree,
      path: '',
    }),
    message: async (o: ObjectModel) =>
      (await o.repo.git.readCommit(o.oid)).message.replace(/\n$/, ''),
    messageHeadline: async (o: ObjectModel) =>
      (await o.repo.git.readCommit(o.oid)).message.split('\n')[0],
    messageBody: async (o: ObjectModel) =>
      (await o.repo.git.readCommit(o.oid)).message
        .split('\n')
        .slice(1)
        .join('\n')
        .trim(),
    authoredDate: async (o: ObjectModel) =>
      (await o.repo.git.readCommit(o.oid)).author.date,
    committedDate: async (o: ObjectModel) =>
      (await o.repo.git.readCommit(o.oid)).committer.date,
    author: async (o: ObjectModel) =>
      (await o.repo.git.readCommit(o.oid)).author,
    committer: async (o: ObjectModel) =>
      (await o.repo.git.readCommit(o.oid)).committer,
    async parents(o: ObjectModel, args) {
      const { parents } = await o.repo.git.readCommit(o.oid);
      return connection(
        parents.map(oid => ({ kind: 'Commit', repo: o.repo, oid })),
        args,
      );
    },
    async history(o: ObjectModel, args) {
      const shas = await o.repo.git.revList(o.oid, {
        ...(args.path ? { path: args.path } : {}),
      });
      return connection(
        shas.map(oid => ({ kind: 'Commit', repo: o.repo, oid })),
        args,
      );
    },
  },
  Tree: {
    ...gitObjectFields,
    commitUrl: (o: ObjectModel, _, ctx) =>
      `${ctx.shapes.repoHtmlUrl(o.repo)}/tree/${o.oid}`,
    entries: async (o: ObjectModel): Promise<EntryModel[]> =>
      (await o.repo.git.readTree(o.oid)).map(entry => ({
        repo: o.repo,
        entry,
        dir: o.path ?? '',
      })),
  },
  TreeEntry: {
    name: (e: EntryModel) => e.entry.path,
    nameRaw: (e: EntryModel) => Buffer.from(e.entry.path).toString('base64'),
    path: (e: EntryModel) =>
      e.dir ? `${e.dir}/${e.entry.path}` : e.entry.path,
    pathRaw: (e: EntryModel) =>
      Buffer.from(e.dir ? `${e.dir}/${e.entry.path}` : e.entry.path).toString(
        'base64',
      ),
    oid: (e: EntryModel) => e.entry.sha,
    mode: (e: EntryModel) => parseInt(e.entry.mode, 8),
    type: (e: EntryModel) => e.entry.type,
    size: (e: EntryModel) => e.entry.size ?? 0,
    extension: (e: EntryModel) => /(\.[^./]+)$/.exec(e.entry.path)?.[1] ?? null,
    isGenerated: () => false,
    repository: (e: EntryModel) => e.repo,
    async lineCount(e: EntryModel) {
      if (e.entry.type !== 'blob') return null;
      const content = await e.repo.git.readBlob(e.entry.sha);
      if (isBinary(content)) return null;
      const text = content.toString('utf8');
      return text.length === 0 ? 0 : text.replace(/\n$/, '').split('\n').length;
    },
    object(e: EntryModel, _, ctx) {
      requirePermission(ctx, 'contents', 'read');
      if (e.entry.type === 'commit') return null;
      const path = e.dir ? `${e.dir}/${e.entry.path}` : e.entry.path;
      return objectModel(e.repo, e.entry.sha, path);
    },
  },
  Blob: {
    ...gitObjectFields,
    commitUrl: (o: ObjectModel, _, ctx) =>
      `${ctx.shapes.repoHtmlUrl(o.repo)}/blob/${o.oid}`,
    byteSize: async (o: ObjectModel) =>
      (await o.repo.git.readBlob(o.oid)).length,
    isBinary: async (o: ObjectModel) =>
      isBinary(await o.repo.git.readBlob(o.oid)),
    isTruncated: async (o: ObjectModel) =>
      (await o.repo.git.readBlob(o.oid)).length > BLOB_TEXT_LIMIT_BYTES,
    async text(o: ObjectModel) {
      const content = await o.repo.git.readBlob(o.oid);
      if (isBinary(content)) return null;
      return content.subarray(0, BLOB_TEXT_LIMIT_BYTES).toString('utf8');
    },
  },
};
