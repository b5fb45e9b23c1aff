import { READ_API, WRITE_API } from '../auth';
import {
  badRequest,
  forbidden,
  GitlabApiError,
  notFound,
} from '../http/GitlabApiError';
import {
  paginate,
  ProjectContext,
  ProjectRoute,
  requireParam,
} from '../http/routing';
import { branchRef, isValidBranchName } from '../operations';

async function branchOr404(ctx: ProjectContext, name: string) {
  const sha = await ctx.project.git.readRef(branchRef(name));
  if (!sha || !(await isValidBranchName(name))) {
    throw notFound('Branch');
  }
  return ctx.shapes.branch(
    ctx.project,
    name,
    await ctx.project.git.readCommit(sha),
  );
}

/** `GET /projects/:id` and the branches API. */
export const branchRoutes: ProjectRoute[] = [
  {
    method: 'GET',
    path: '/projects/:id',
    scopes: READ_API,
    async handle(ctx) {
      return { status: 200, body: ctx.shapes.project(ctx.project) };
    },
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/branches',
    scopes: READ_API,
    async handle(ctx) {
      const search = ctx.request.query.get('search') ?? '';
      const matches = (name: string) => {
        if (search.startsWith('^')) return name.startsWith(search.slice(1));
        if (search.endsWith('$')) return name.endsWith(search.slice(0, -1));
        return name.includes(search);
      };
      const branches = [];
      for (const { ref, sha } of await ctx.project.git.listRefs()) {
        const name = ref.replace(/^refs\/heads\//, '');
        if (name === ref || !matches(name)) continue;
        branches.push(
          ctx.shapes.branch(
            ctx.project,
            name,
            await ctx.project.git.readCommit(sha),
          ),
        );
      }
      const { page, headers } = paginate(branches, ctx.request);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/branches/:branch',
    scopes: READ_API,
    async handle(ctx) {
      return {
        status: 200,
        body: await branchOr404(ctx, ctx.request.params.branch),
      };
    },
  },
  {
    method: 'POST',
    path: '/projects/:id/repository/branches',
    scopes: WRITE_API,
    async handle(ctx) {
      const name = requireParam(ctx.request, 'branch');
      const ref = requireParam(ctx.request, 'ref');
      if (!(await isValidBranchName(name))) {
        throw badRequest('Branch name is invalid');
      }
      const sha = await ctx.project.git.resolveCommit(ref);
      if (!sha) {
        throw badRequest(`Invalid reference name: ${ref}`);
      }
      // Gitaly creates the ref with the zero id as its old value: creation is compare-and-swap.
      if (
        !(await ctx.project.git.compareAndSwapRef(
          branchRef(name),
          sha,
          undefined,
        ))
      ) {
        throw badRequest('Branch already exists');
      }
      await ctx.refreshMergeRequests();
      return { status: 201, body: await branchOr404(ctx, name) };
    },
  },
  {
    method: 'DELETE',
    path: '/projects/:id/repository/branches/:branch',
    scopes: WRITE_API,
    async handle(ctx) {
      const name = ctx.request.params.branch;
      const sha = await ctx.project.git.readRef(branchRef(name));
      if (!sha) {
        throw notFound('Branch');
      }
      if (name === ctx.project.defaultBranch) {
        throw new GitlabApiError(405, {
          message: 'The default branch of a project cannot be deleted.',
        });
      }
      if (ctx.project.isProtected(name)) {
        throw forbidden();
      }
      await ctx.project.git.deleteRef(branchRef(name), sha);
      await ctx.refreshMergeRequests();
      return { status: 204 };
    },
  },
];
