import { notFound } from '../http/GithubApiError';
import { paginate } from '../http/routing';
import { branchRef } from '../operations';
import { read, RepoContext, RepoRoute } from './RepoContext';

async function branchShape(ctx: RepoContext, branch: string, sha: string) {
  const { repo, shapes } = ctx;
  const commit = await repo.git.readCommit(sha);
  const api = `${shapes.repoApiUrl(repo)}/branches/${branch}`;
  return {
    name: branch,
    commit: shapes.commit(repo, commit),
    protected: repo.isProtected(branch),
    protection: {
      enabled: repo.isProtected(branch),
      required_status_checks: {
        enforcement_level: 'off',
        contexts: [],
        checks: [],
      },
    },
    protection_url: `${api}/protection`,
    _links: { self: api, html: `${shapes.repoHtmlUrl(repo)}/tree/${branch}` },
  };
}

export const repositoryRoutes: RepoRoute[] = [
  {
    method: 'GET',
    path: '/repos/:owner/:repo',
    permissions: read('metadata'),
    async handle(ctx) {
      return {
        status: 200,
        body: ctx.shapes.repository(ctx.repo, {
          admin: false,
          push: ctx.canPush,
          pull: true,
        }),
      };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/branches',
    permissions: read('contents'),
    async handle(ctx) {
      const { repo, shapes, request } = ctx;
      const branches = (await repo.git.listRefs())
        .filter(r => r.ref.startsWith('refs/heads/'))
        .map(r => {
          const name = r.ref.slice('refs/heads/'.length);
          return {
            name,
            commit: {
              sha: r.sha,
              url: `${shapes.repoApiUrl(repo)}/commits/${r.sha}`,
            },
            protected: repo.isProtected(name),
          };
        });
      const { page, headers } = paginate(branches, request);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/branches/*branch',
    permissions: read('contents'),
    async handle(ctx) {
      const branch = ctx.request.params.branch;
      const sha = await ctx.repo.git.readRef(branchRef(branch));
      if (!sha) {
        throw notFound('Branch not found');
      }
      return { status: 200, body: await branchShape(ctx, branch, sha) };
    },
  },
];
