import { GitTreeEntry } from '../../git/BareRepository';
import { conflict, notFound, unprocessable } from '../http/GithubApiError';
import { nowIso } from '../model';
import { branchRef, commitFilesToBranch, identityOf } from '../operations';
import { wrappedBase64 } from './gitObjects';
import {
  read,
  RepoContext,
  RepoRoute,
  requireString,
  write,
} from './RepoContext';

/** Above this size GitHub sends file metadata without content (encoding "none"). */
const MAX_INLINE_CONTENT = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

const contentType = (entry: GitTreeEntry) => {
  if (entry.type === 'tree') return 'dir' as const;
  if (entry.type === 'commit') return 'submodule' as const;
  return entry.mode === '120000' ? ('symlink' as const) : ('file' as const);
};

async function resolveRefParam(
  ctx: RepoContext,
): Promise<{ ref: string; sha: string }> {
  const ref = ctx.request.query.get('ref') || ctx.repo.defaultBranch;
  const sha = await ctx.repo.git.resolveCommit(ref);
  if (!sha) {
    throw notFound(`No commit found for the ref ${ref}`);
  }
  return { ref, sha };
}

export const wantsRaw = (ctx: RepoContext) =>
  /application\/vnd\.github(\.v3)?\.raw/.test(
    String(ctx.request.headers.accept ?? ''),
  );

async function getContents(ctx: RepoContext, path: string) {
  const { repo, shapes } = ctx;
  const { ref, sha } = await resolveRefParam(ctx);
  const tree = (await repo.git.readCommit(sha)).tree;
  const entry = await repo.git.findEntry(tree, path);
  if (!entry) {
    throw notFound();
  }
  if (entry.type === 'tree') {
    const children = await repo.git.readTree(entry.sha);
    return {
      status: 200,
      body: children.map(child =>
        shapes.contentEntry(
          repo,
          path ? `${path}/${child.path}` : child.path,
          { type: contentType(child), sha: child.sha, size: child.size ?? 0 },
          ref,
        ),
      ),
    };
  }
  const bytes =
    entry.type === 'blob'
      ? await repo.git.readBlob(entry.sha)
      : Buffer.alloc(0);
  if (wantsRaw(ctx)) {
    return {
      status: 200,
      text: bytes,
      headers: { 'content-type': 'application/vnd.github.raw' },
    };
  }
  const inline = bytes.length <= MAX_INLINE_CONTENT;
  return {
    status: 200,
    body: {
      ...shapes.contentEntry(
        repo,
        path,
        { type: contentType(entry), sha: entry.sha, size: bytes.length },
        ref,
      ),
      encoding: inline ? 'base64' : 'none',
      content: inline ? wrappedBase64(bytes) : '',
    },
  };
}

/** The branch a contents write goes to, with GitHub's refusals for unknown and protected branches. */
async function writableBranch(ctx: RepoContext) {
  const branch: string = ctx.request.body?.branch ?? ctx.repo.defaultBranch;
  const head = await ctx.repo.git.readRef(branchRef(branch));
  if (!head) {
    throw notFound(`Branch ${branch} not found`);
  }
  if (ctx.repo.isProtected(branch)) {
    throw conflict('Changes must be made through a pull request.');
  }
  const entry = await ctx.repo.git.findEntry(
    (
      await ctx.repo.git.readCommit(head)
    ).tree,
    ctx.request.params.path,
  );
  return { branch, entry };
}

function commitIdentities(ctx: RepoContext) {
  const { body } = ctx.request;
  const pick = (value: any) =>
    value && typeof value.name === 'string' && typeof value.email === 'string'
      ? { name: value.name, email: value.email, date: value.date ?? nowIso() }
      : undefined;
  const committer = pick(body.committer) ?? identityOf(ctx.actor);
  return { author: pick(body.author) ?? committer, committer };
}

async function commitResponse(
  ctx: RepoContext,
  status: number,
  sha: string,
  branch: string,
) {
  const { repo, shapes } = ctx;
  const path = ctx.request.params.path;
  const commit = await repo.git.readCommit(sha);
  const entry = await repo.git.findEntry(commit.tree, path);
  return {
    status,
    body: {
      content: entry
        ? shapes.contentEntry(
            repo,
            path,
            { type: 'file', sha: entry.sha, size: entry.size ?? 0 },
            branch,
          )
        : null,
      commit: shapes.gitCommit(repo, commit),
    },
  };
}

export const contentsRoutes: RepoRoute[] = [
  {
    method: 'GET',
    path: '/repos/:owner/:repo/contents',
    permissions: read('contents'),
    handle: ctx => getContents(ctx, ''),
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/contents/*path',
    permissions: read('contents'),
    handle: ctx =>
      getContents(ctx, ctx.request.params.path.replace(/\/+$/, '')),
  },
  {
    method: 'PUT',
    path: '/repos/:owner/:repo/contents/*path',
    permissions: write('contents'),
    async handle(ctx) {
      const { body, params } = ctx.request;
      const message = requireString(body, 'message');
      const content = requireString(body, 'content');
      if (!BASE64.test(content)) {
        throw unprocessable('content is not valid Base64');
      }
      const { branch, entry } = await writableBranch(ctx);
      if (entry) {
        if (body.sha === undefined || body.sha === null) {
          throw unprocessable(`Invalid request.\n\n"sha" wasn't supplied.`);
        }
        if (body.sha !== entry.sha) {
          throw conflict(`${params.path} does not match ${body.sha}`);
        }
      } else if (body.sha !== undefined && body.sha !== null) {
        throw unprocessable(
          `${params.path} does not exist on ${branch}, so "sha" must not be supplied`,
        );
      }
      const sha = await commitFilesToBranch(ctx.repo, {
        branch,
        files: { [params.path]: Buffer.from(content, 'base64') },
        message,
        ...commitIdentities(ctx),
      });
      return commitResponse(ctx, entry ? 200 : 201, sha, branch);
    },
  },
  {
    method: 'DELETE',
    path: '/repos/:owner/:repo/contents/*path',
    permissions: write('contents'),
    async handle(ctx) {
      const { body, params } = ctx.request;
      const message = requireString(body, 'message');
      const expected = requireString(body, 'sha');
      const { branch, entry } = await writableBranch(ctx);
      if (!entry) {
        throw notFound();
      }
      if (expected !== entry.sha) {
        throw conflict(`${params.path} does not match ${expected}`);
      }
      const sha = await commitFilesToBranch(ctx.repo, {
        branch,
        files: { [params.path]: null },
        message,
        ...commitIdentities(ctx),
      });
      return commitResponse(ctx, 200, sha, branch);
    },
  },
];
