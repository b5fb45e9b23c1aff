import { notFound } from '../http/GithubApiError';
import { paginate } from '../http/routing';
import { read, RepoContext, RepoRoute } from './RepoContext';

/** GitHub lists at most this many commits in a comparison. */
const COMPARE_COMMIT_LIMIT = 250;

export const wantsDiff = (ctx: RepoContext) =>
  /application\/vnd\.github(\.v3)?\.diff/.test(
    String(ctx.request.headers.accept ?? ''),
  );

/** Reads `owner:branch` or `branch` (or a sha) on this repository; forks are not emulated. */
async function resolveSide(ctx: RepoContext, name: string): Promise<string> {
  const [owner, ref] = name.includes(':')
    ? name.split(/:(.*)/s)
    : [ctx.repo.owner, name];
  const sha =
    owner.toLowerCase() === ctx.repo.owner.toLowerCase()
      ? await ctx.repo.git.resolveCommit(ref)
      : undefined;
  if (!sha) {
    throw notFound();
  }
  return sha;
}

export const historyRoutes: RepoRoute[] = [
  {
    method: 'GET',
    path: '/repos/:owner/:repo/commits',
    permissions: read('contents'),
    async handle(ctx) {
      const { repo, request, shapes } = ctx;
      const start = request.query.get('sha') || repo.defaultBranch;
      const head = await repo.git.resolveCommit(start);
      if (!head) {
        throw notFound(`No commit found for SHA: ${start}`);
      }
      const path = request.query.get('path') || undefined;
      const shas = await repo.git.revList(head, { path });
      const { page, headers } = paginate(shas, request);
      const commits = await Promise.all(
        page.map(sha => repo.git.readCommit(sha)),
      );
      return {
        status: 200,
        body: commits.map(c => shapes.commit(repo, c)),
        headers,
      };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/commits/*ref',
    permissions: read('contents'),
    async handle(ctx) {
      const { repo, request, shapes } = ctx;
      const sha = await repo.git.resolveCommit(request.params.ref);
      if (!sha) {
        throw notFound(`No commit found for SHA: ${request.params.ref}`);
      }
      const commit = await repo.git.readCommit(sha);
      const parent = commit.parents[0] ?? (await repo.git.writeTree([]));
      if (wantsDiff(ctx)) {
        return { status: 200, text: await repo.git.unifiedDiff(parent, sha) };
      }
      const files = await repo.git.diffFiles(parent, sha);
      return { status: 200, body: shapes.commit(repo, commit, files) };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/compare/*basehead',
    permissions: read('contents'),
    async handle(ctx) {
      const { repo, request, shapes } = ctx;
      const match = /^(.+?)\.\.\.?(.+)$/s.exec(request.params.basehead);
      if (!match) {
        throw notFound();
      }
      const base = await resolveSide(ctx, match[1]);
      const head = await resolveSide(ctx, match[2]);
      const mergeBase = await repo.git.mergeBase(base, head);
      if (!mergeBase) {
        throw notFound(
          `No common ancestor between ${match[1]} and ${match[2]}.`,
        );
      }
      if (wantsDiff(ctx)) {
        return {
          status: 200,
          text: await repo.git.unifiedDiff(mergeBase, head),
        };
      }
      const ahead = await repo.git.revList(head, { exclude: base });
      const behind = await repo.git.revList(base, { exclude: head });
      let status = 'diverged';
      if (ahead.length === 0 && behind.length === 0) status = 'identical';
      else if (behind.length === 0) status = 'ahead';
      else if (ahead.length === 0) status = 'behind';
      const listed = ahead.slice(0, COMPARE_COMMIT_LIMIT).reverse();
      const commits = await Promise.all(
        listed.map(sha => repo.git.readCommit(sha)),
      );
      const files = await repo.git.diffFiles(mergeBase, head);
      const html = `${shapes.repoHtmlUrl(repo)}/compare/${
        request.params.basehead
      }`;
      return {
        status: 200,
        body: {
          url: `${shapes.repoApiUrl(repo)}/compare/${request.params.basehead}`,
          html_url: html,
          permalink_url: `${shapes.repoHtmlUrl(
            repo,
          )}/compare/${base}...${head}`,
          diff_url: `${html}.diff`,
          patch_url: `${html}.patch`,
          base_commit: shapes.commit(repo, await repo.git.readCommit(base)),
          merge_base_commit: shapes.commit(
            repo,
            await repo.git.readCommit(mergeBase),
          ),
          status,
          ahead_by: ahead.length,
          behind_by: behind.length,
          total_commits: ahead.length,
          commits: commits.map(c => shapes.commit(repo, c)),
          files: files.map(f => shapes.fileChange(repo, head, f)),
        },
      };
    },
  },
];
