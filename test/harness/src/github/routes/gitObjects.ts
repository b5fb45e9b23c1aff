import { wantsRaw } from './contents';
import { GitIdentity, isFullSha } from '../../git/BareRepository';
import {
  isValidMode,
  TreeEdit,
  typeForMode,
  applyTreeEdits,
} from '../git/treeEdits';
import { notFound, unprocessable } from '../http/GithubApiError';
import { identityOf } from '../operations';
import { nowIso } from '../model';
import {
  read,
  RepoContext,
  RepoRoute,
  requireString,
  write,
} from './RepoContext';

/** GitHub wraps base64 at 60 characters in blob and contents responses. */
export const wrappedBase64 = (content: Buffer): string =>
  (content.toString('base64').match(/.{1,60}/g) ?? ['']).join('\n') +
  (content.length ? '\n' : '');

const badObject = () => unprocessable('GitRPC::BadObjectState');

async function treeEditsFromBody(
  ctx: RepoContext,
  entries: unknown,
): Promise<TreeEdit[]> {
  if (!Array.isArray(entries)) {
    throw unprocessable(`Invalid request.\n\n"tree" wasn't supplied.`);
  }
  const edits: TreeEdit[] = [];
  for (const entry of entries) {
    const { path, mode, type, sha, content } = entry ?? {};
    if (!isValidMode(mode)) {
      throw unprocessable(
        `Must supply a valid tree.mode, got ${JSON.stringify(mode)}`,
      );
    }
    const expectedType = typeForMode(mode);
    if (type !== undefined && type !== expectedType) {
      throw unprocessable(`Must supply a valid tree.type for mode ${mode}`);
    }
    if (typeof path !== 'string') {
      throw unprocessable('Must supply a valid tree.path');
    }
    if (content !== undefined && sha !== undefined) {
      throw unprocessable(
        'Must supply either tree.sha or tree.content, not both',
      );
    }
    if (content !== undefined) {
      if (typeof content !== 'string' || expectedType !== 'blob') {
        throw unprocessable(
          'tree.content must be a string and needs a blob mode',
        );
      }
      edits.push({
        path,
        mode,
        type: 'blob',
        sha: await ctx.repo.git.writeBlob(Buffer.from(content, 'utf8')),
      });
    } else if (sha === null) {
      edits.push({ path, mode, type: expectedType, sha: null });
    } else {
      // Submodule entries point at commits of another repository, which need not exist here.
      const exists =
        expectedType === 'commit'
          ? isFullSha(sha)
          : (await ctx.repo.git.objectType(sha)) === expectedType;
      if (!exists) {
        throw badObject();
      }
      edits.push({ path, mode, type: expectedType, sha });
    }
  }
  return edits;
}

function identityFromBody(value: any, fallback: GitIdentity): GitIdentity {
  if (value === undefined || value === null) {
    return fallback;
  }
  if (typeof value.name !== 'string' || typeof value.email !== 'string') {
    throw unprocessable(
      'Invalid request.\n\n"name" and "email" are required for author and committer.',
    );
  }
  return { name: value.name, email: value.email, date: value.date ?? nowIso() };
}

export const gitObjectRoutes: RepoRoute[] = [
  {
    method: 'POST',
    path: '/repos/:owner/:repo/git/blobs',
    permissions: write('contents'),
    async handle(ctx) {
      const content = requireString(ctx.request.body, 'content');
      const encoding = ctx.request.body.encoding ?? 'utf-8';
      if (
        encoding !== 'utf-8' &&
        encoding !== 'utf8' &&
        encoding !== 'base64'
      ) {
        throw unprocessable(
          `encoding must be "utf-8" or "base64", not ${JSON.stringify(
            encoding,
          )}`,
        );
      }
      const bytes = Buffer.from(
        content,
        encoding === 'base64' ? 'base64' : 'utf8',
      );
      const sha = await ctx.repo.git.writeBlob(bytes);
      return {
        status: 201,
        body: {
          sha,
          url: `${ctx.shapes.repoApiUrl(ctx.repo)}/git/blobs/${sha}`,
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/git/blobs/:sha',
    permissions: read('contents'),
    async handle(ctx) {
      const { sha } = ctx.request.params;
      if ((await ctx.repo.git.objectType(sha)) !== 'blob') {
        throw notFound();
      }
      const content = await ctx.repo.git.readBlob(sha);
      if (wantsRaw(ctx)) {
        // GitHub answers the raw media type with the blob's bytes as they are.
        return {
          status: 200,
          text: content,
          headers: { 'content-type': 'application/vnd.github.raw' },
        };
      }
      return {
        status: 200,
        body: {
          sha,
          node_id: `B_${sha}`,
          size: content.length,
          url: `${ctx.shapes.repoApiUrl(ctx.repo)}/git/blobs/${sha}`,
          content: wrappedBase64(content),
          encoding: 'base64',
        },
      };
    },
  },
  {
    method: 'POST',
    path: '/repos/:owner/:repo/git/trees',
    permissions: write('contents'),
    async handle(ctx) {
      const { body } = ctx.request;
      let baseTree: string | undefined;
      if (body?.base_tree !== undefined && body.base_tree !== null) {
        if ((await ctx.repo.git.objectType(body.base_tree)) !== 'tree') {
          throw badObject();
        }
        baseTree = body.base_tree;
      }
      const edits = await treeEditsFromBody(ctx, body?.tree);
      const sha = await applyTreeEdits(ctx.repo.git, baseTree, edits);
      const entries = await ctx.repo.git.readTree(sha);
      return { status: 201, body: ctx.shapes.tree(ctx.repo, sha, entries) };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/git/trees/*sha',
    permissions: read('contents'),
    async handle(ctx) {
      const { repo, request } = ctx;
      const sha = await repo.git.resolveTree(request.params.sha);
      if (!sha) {
        throw notFound();
      }
      // GitHub treats any value of `recursive` as "yes".
      const entries = request.query.has('recursive')
        ? await repo.git.readTreeRecursive(sha)
        : await repo.git.readTree(sha);
      return { status: 200, body: ctx.shapes.tree(repo, sha, entries) };
    },
  },
  {
    method: 'POST',
    path: '/repos/:owner/:repo/git/commits',
    permissions: write('contents'),
    async handle(ctx) {
      const { body } = ctx.request;
      const message = requireString(body, 'message');
      const tree = requireString(body, 'tree');
      if ((await ctx.repo.git.objectType(tree)) !== 'tree') {
        throw unprocessable('Tree SHA does not exist');
      }
      const parents: unknown[] = body.parents ?? [];
      if (!Array.isArray(parents)) {
        throw unprocessable('Invalid request.\n\n"parents" must be an array.');
      }
      for (const parent of parents) {
        if (
          typeof parent !== 'string' ||
          (await ctx.repo.git.objectType(parent)) !== 'commit'
        ) {
          throw unprocessable(
            'Parent SHA does not exist or is not a commit object',
          );
        }
      }
      const author = identityFromBody(body.author, identityOf(ctx.actor));
      const committer = identityFromBody(body.committer, author);
      const sha = await ctx.repo.git.writeCommit({
        tree,
        parents: parents as string[],
        message,
        author,
        committer,
      });
      const commit = await ctx.repo.git.readCommit(sha);
      return { status: 201, body: ctx.shapes.gitCommit(ctx.repo, commit) };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/git/commits/:sha',
    permissions: read('contents'),
    async handle(ctx) {
      const { sha } = ctx.request.params;
      if ((await ctx.repo.git.objectType(sha)) !== 'commit') {
        throw notFound();
      }
      const commit = await ctx.repo.git.readCommit(sha);
      return { status: 200, body: ctx.shapes.gitCommit(ctx.repo, commit) };
    },
  },
];
