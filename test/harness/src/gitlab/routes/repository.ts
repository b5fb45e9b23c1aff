import { GitTreeEntry } from '../../git/BareRepository';
import { READ_API, WRITE_API } from '../auth';
import { badRequest, forbidden, notFound } from '../http/GitlabApiError';
import {
  optionalParam,
  paginate,
  ProjectContext,
  ProjectRoute,
  requireParam,
} from '../http/routing';
import {
  applyActions,
  branchRef,
  identityOf,
  isFullSha,
  isValidBranchName,
  parseActions,
} from '../operations';

/** GitLab writes tree modes with six digits (`040000`), where git's own listing says `040000` too. */
const treeShape = (entry: GitTreeEntry) => ({
  id: entry.sha,
  name: entry.path.split('/').pop(),
  type: entry.type,
  path: entry.path,
  mode: entry.mode,
});

async function listTree(ctx: ProjectContext): Promise<GitTreeEntry[]> {
  const { git } = ctx.project;
  const ref = ctx.request.query.get('ref') ?? ctx.project.defaultBranch;
  const commit = await git.resolveCommit(ref);
  if (!commit) throw notFound('Tree');
  const path = (ctx.request.query.get('path') ?? '').replace(/^\/+|\/+$/g, '');
  const root = await git.findEntry((await git.readCommit(commit)).tree, path);
  if (!root || root.type !== 'tree') throw notFound('Tree');
  const recursive = ctx.request.query.get('recursive') === 'true';
  const entries = recursive
    ? await git.readTreeRecursive(root.sha)
    : await git.readTree(root.sha);
  const prefix = path ? `${path}/` : '';
  return entries.map(e => ({ ...e, path: `${prefix}${e.path}` }));
}

export const repositoryRoutes: ProjectRoute[] = [
  {
    method: 'GET',
    path: '/projects/:id/repository/tree',
    scopes: READ_API,
    async handle(ctx) {
      const entries = await listTree(ctx);
      if (ctx.request.query.get('pagination') !== 'keyset') {
        const { page, headers } = paginate(entries, ctx.request);
        return { status: 200, body: page.map(treeShape), headers };
      }
      // Keyset pagination: the token names the last entry of the previous page.
      const perPage = Math.min(
        100,
        Math.max(1, Number(ctx.request.query.get('per_page')) || 20),
      );
      const token = ctx.request.query.get('page_token');
      let start = 0;
      if (token) {
        const index = entries.findIndex(e => e.path === token);
        if (index < 0) throw badRequest('Invalid page token');
        start = index + 1;
      }
      const page = entries.slice(start, start + perPage);
      const headers: Record<string, string> = {};
      if (start + perPage < entries.length) {
        const query = new URLSearchParams(ctx.request.query);
        query.set('page_token', page[page.length - 1].path);
        query.set('per_page', String(perPage));
        headers.link = `<${ctx.request.url}?${query}>; rel="next"`;
      }
      return { status: 200, body: page.map(treeShape), headers };
    },
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/commits/:sha',
    scopes: READ_API,
    async handle(ctx) {
      const sha = await ctx.project.git.resolveCommit(ctx.request.params.sha);
      if (!sha) throw notFound('Commit');
      return {
        status: 200,
        body: ctx.shapes.commit(
          ctx.project,
          await ctx.project.git.readCommit(sha),
        ),
      };
    },
  },
  {
    method: 'POST',
    path: '/projects/:id/repository/commits',
    scopes: WRITE_API,
    async handle(ctx) {
      const { project, request, grant } = ctx;
      const { git } = project;
      const branch = requireParam(request, 'branch');
      const message = requireParam(request, 'commit_message');
      const actions = parseActions(request.body.actions);
      const startSha = optionalParam(request, 'start_sha');
      const force =
        request.body.force === true || request.body.force === 'true';
      // `attrs[:start_branch] ||= attrs[:branch] unless attrs[:start_sha]` in GitLab's API.
      const startBranch =
        optionalParam(request, 'start_branch') ??
        (startSha ? undefined : branch);
      if (project.isProtected(branch)) {
        throw forbidden('You are not allowed to push into this branch');
      }
      const differentBranch = startBranch !== branch || startSha !== undefined;
      let start: string | undefined;
      if (startSha !== undefined) {
        if (optionalParam(request, 'start_branch') !== undefined) {
          throw badRequest("You can't pass both start_branch and start_sha");
        }
        if (!isFullSha(startSha) && !/^[0-9a-f]{7,40}$/.test(startSha)) {
          throw badRequest(`Invalid start_sha '${startSha}'`);
        }
        start = await git.resolveCommit(startSha);
        if (!start) throw badRequest(`Cannot find start_sha '${startSha}'`);
      } else {
        start = await git.readRef(branchRef(startBranch!));
        if (!start) {
          throw badRequest(
            'You can only create or edit files when you are on a branch',
          );
        }
      }
      const target = await git.readRef(branchRef(branch));
      if (differentBranch) {
        if (target && !force) {
          throw badRequest(
            `A branch called '${branch}' already exists. Switch to that branch in order to make changes`,
          );
        }
        if (!(await isValidBranchName(branch))) {
          throw badRequest(
            `Something went wrong when we tried to create '${branch}' for you: Branch name is invalid`,
          );
        }
      }
      const tree = await applyActions(project, start, actions);
      const authorName = optionalParam(request, 'author_name');
      const authorEmail = optionalParam(request, 'author_email');
      const committer = identityOf(grant.user);
      const sha = await git.writeCommit({
        tree,
        parents: [start!],
        message,
        author: {
          name: authorName ?? committer.name,
          email: authorEmail ?? committer.email,
          date: committer.date,
        },
        committer,
      });
      // Gitaly moves the branch from the head it read: a concurrent push makes this fail, not vanish.
      if (!(await git.compareAndSwapRef(branchRef(branch), sha, target))) {
        throw badRequest(
          `Could not update refs/heads/${branch}. Please refresh and try again.`,
        );
      }
      await ctx.refreshMergeRequests();
      return {
        status: 201,
        body: ctx.shapes.commit(project, await git.readCommit(sha)),
      };
    },
  },
];
