import { randomBytes } from 'node:crypto';
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

/** Links kept per repository: GitHub's expire after a few minutes; these after the newest few. */
const MAX_ARCHIVE_LINKS = 256;

/**
 * GitHub answers the tarball endpoint with a redirect to codeload, a host of its own whose
 * downloads do not count against the API's rate limit; the emulator serves codeload under
 * `/_codeload`, with a token in the link as GitHub puts one in links to private repositories.
 */
async function tarballRedirect(ctx: RepoContext, ref: string | undefined) {
  const { repo, shapes } = ctx;
  const sha = await repo.git.resolveCommit(ref ?? repo.defaultBranch);
  if (!sha) {
    throw notFound();
  }
  const token = randomBytes(12).toString('hex');
  repo.archiveLinks.set(token, sha);
  if (repo.archiveLinks.size > MAX_ARCHIVE_LINKS) {
    repo.archiveLinks.delete(repo.archiveLinks.keys().next().value!);
  }
  return {
    status: 302,
    headers: {
      location: `${shapes.apiBaseUrl}/_codeload/${repo.fullName}/legacy.tar.gz/${sha}?token=${token}`,
    },
  };
}

export const repositoryRoutes: RepoRoute[] = [
  {
    method: 'GET',
    path: '/repos/:owner/:repo/tarball',
    permissions: read('contents'),
    handle: ctx => tarballRedirect(ctx, undefined),
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/tarball/*ref',
    permissions: read('contents'),
    handle: ctx => tarballRedirect(ctx, ctx.request.params.ref),
  },
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
