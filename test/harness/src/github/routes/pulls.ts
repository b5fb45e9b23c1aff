import {
  notFound,
  unprocessable,
  validationFailed,
} from '../http/GithubApiError';
import { paginate } from '../http/routing';
import { nowIso, PullRequestRecord } from '../model';
import {
  branchRef,
  closePull,
  MergeMethod,
  mergePull,
  pullHeads,
} from '../operations';
import { wantsDiff } from './history';
import {
  read,
  RepoContext,
  RepoRoute,
  requireString,
  write,
} from './RepoContext';

function findPullOr404(ctx: RepoContext): PullRequestRecord {
  const pull = ctx.repo.findPull(Number(ctx.request.params.number));
  if (!pull) {
    throw notFound();
  }
  return pull;
}

/** `branch` or `owner:branch`; only same-repository pull requests are emulated. */
function parseHead(ctx: RepoContext, head: string): string | undefined {
  if (!head.includes(':')) {
    return head;
  }
  const [owner, branch] = head.split(/:(.*)/s);
  return owner.toLowerCase() === ctx.repo.owner.toLowerCase()
    ? branch
    : undefined;
}

const alreadyExists = (ctx: RepoContext, headRef: string) =>
  validationFailed({
    resource: 'PullRequest',
    code: 'custom',
    message: `A pull request already exists for ${ctx.repo.owner}:${headRef}.`,
  });

const openDuplicate = (
  ctx: RepoContext,
  headRef: string,
  baseRef: string,
  except?: number,
) =>
  ctx.repo.pulls.find(
    p =>
      p.state === 'open' &&
      p.headRef === headRef &&
      p.baseRef === baseRef &&
      p.number !== except,
  );

async function pullShape(
  ctx: RepoContext,
  pull: PullRequestRecord,
  detailed: boolean,
) {
  const heads = await pullHeads(ctx.repo, pull);
  if (!detailed) {
    return ctx.shapes.pullRequest(ctx.repo, pull, heads);
  }
  const { git } = ctx.repo;
  const mergeBase =
    heads.headSha && heads.baseSha
      ? await git.mergeBase(heads.baseSha, heads.headSha)
      : undefined;
  const files = mergeBase ? await git.diffFiles(mergeBase, heads.headSha) : [];
  const commits = mergeBase
    ? await git.revList(heads.headSha, { exclude: mergeBase })
    : [];
  const mergeable =
    pull.state === 'open' && mergeBase
      ? (await git.mergeTrees(heads.baseSha, heads.headSha)) !== undefined
      : null;
  return ctx.shapes.pullRequest(ctx.repo, pull, heads, {
    commits: commits.length,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changedFiles: files.length,
    mergeable,
  });
}

export const pullRoutes: RepoRoute[] = [
  {
    method: 'GET',
    path: '/repos/:owner/:repo/pulls',
    permissions: read('pull_requests'),
    async handle(ctx) {
      const { query } = ctx.request;
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      const base = query.get('base');
      const headOwner = head?.split(':')[0];
      const headBranch = head?.includes(':')
        ? head.split(/:(.*)/s)[1]
        : undefined;
      let pulls = ctx.repo.pulls.filter(
        p =>
          (state === 'all' || p.state === state) &&
          (!base || p.baseRef === base) &&
          (!headOwner ||
            headOwner.toLowerCase() === ctx.repo.owner.toLowerCase()) &&
          (headBranch === undefined || p.headRef === headBranch),
      );
      const key = query.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
      pulls = [...pulls].sort(
        (a, b) => a[key].localeCompare(b[key]) || a.number - b.number,
      );
      if ((query.get('direction') ?? 'desc') === 'desc') {
        pulls.reverse();
      }
      const { page, headers } = paginate(pulls, ctx.request);
      return {
        status: 200,
        body: await Promise.all(page.map(p => pullShape(ctx, p, false))),
        headers,
      };
    },
  },
  {
    method: 'POST',
    path: '/repos/:owner/:repo/pulls',
    permissions: write('pull_requests'),
    async handle(ctx) {
      const { body } = ctx.request;
      const title = requireString(body, 'title');
      const headParam = requireString(body, 'head');
      const baseRef = requireString(body, 'base');
      const headRef = parseHead(ctx, headParam);
      const baseSha = await ctx.repo.git.readRef(branchRef(baseRef));
      if (!baseSha) {
        throw validationFailed({
          resource: 'PullRequest',
          field: 'base',
          code: 'invalid',
        });
      }
      const headSha = headRef
        ? await ctx.repo.git.readRef(branchRef(headRef))
        : undefined;
      if (!headRef || !headSha) {
        throw validationFailed({
          resource: 'PullRequest',
          field: 'head',
          code: 'invalid',
        });
      }
      if (openDuplicate(ctx, headRef, baseRef)) {
        throw alreadyExists(ctx, headRef);
      }
      if (
        (await ctx.repo.git.revList(headSha, { exclude: baseSha })).length === 0
      ) {
        throw validationFailed({
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${baseRef} and ${headRef}`,
        });
      }
      const now = nowIso();
      const pull: PullRequestRecord = {
        number: ctx.repo.nextNumber(),
        title,
        body: typeof body.body === 'string' ? body.body : null,
        state: 'open',
        headRef,
        baseRef,
        merged: false,
        mergedAt: null,
        mergedBy: null,
        mergeCommitSha: null,
        closedAt: null,
        createdAt: now,
        updatedAt: now,
        user: ctx.actor,
        draft: body.draft === true,
        maintainerCanModify: body.maintainer_can_modify !== false,
        labels: [],
        comments: [],
      };
      ctx.repo.pulls.push(pull);
      return { status: 201, body: await pullShape(ctx, pull, true) };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/pulls/:number',
    permissions: read('pull_requests'),
    async handle(ctx) {
      const pull = findPullOr404(ctx);
      if (wantsDiff(ctx)) {
        const { headSha, baseSha } = await pullHeads(ctx.repo, pull);
        const mergeBase = await ctx.repo.git.mergeBase(baseSha, headSha);
        return {
          status: 200,
          text: mergeBase
            ? await ctx.repo.git.unifiedDiff(mergeBase, headSha)
            : '',
        };
      }
      return { status: 200, body: await pullShape(ctx, pull, true) };
    },
  },
  {
    method: 'PATCH',
    path: '/repos/:owner/:repo/pulls/:number',
    permissions: write('pull_requests'),
    async handle(ctx) {
      const pull = findPullOr404(ctx);
      const { body } = ctx.request;
      if (
        body.state !== undefined &&
        body.state !== 'open' &&
        body.state !== 'closed'
      ) {
        throw validationFailed({
          resource: 'PullRequest',
          field: 'state',
          code: 'invalid',
        });
      }
      if (typeof body.base === 'string' && body.base !== pull.baseRef) {
        if (!(await ctx.repo.git.readRef(branchRef(body.base)))) {
          throw validationFailed({
            resource: 'PullRequest',
            field: 'base',
            code: 'invalid',
          });
        }
        if (pull.state === 'closed') {
          throw unprocessable(
            'Cannot change the base branch of a closed pull request.',
          );
        }
        pull.baseRef = body.base;
      }
      if (body.state === 'open' && pull.state === 'closed') {
        if (pull.merged) {
          throw unprocessable(
            'state cannot be changed. The pull request has been merged.',
          );
        }
        if (!(await ctx.repo.git.readRef(branchRef(pull.headRef)))) {
          throw unprocessable(
            'state cannot be changed. The head branch was deleted.',
          );
        }
        if (openDuplicate(ctx, pull.headRef, pull.baseRef, pull.number)) {
          throw alreadyExists(ctx, pull.headRef);
        }
        pull.state = 'open';
        pull.closedAt = null;
        pull.closedHeadSha = undefined;
        pull.closedBaseSha = undefined;
      } else if (body.state === 'closed' && pull.state === 'open') {
        await closePull(ctx.repo, pull);
      }
      if (typeof body.title === 'string') pull.title = body.title;
      if (typeof body.body === 'string' || body.body === null)
        pull.body = body.body;
      if (typeof body.maintainer_can_modify === 'boolean') {
        pull.maintainerCanModify = body.maintainer_can_modify;
      }
      pull.updatedAt = nowIso();
      return { status: 200, body: await pullShape(ctx, pull, true) };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/pulls/:number/commits',
    permissions: read('pull_requests'),
    async handle(ctx) {
      const pull = findPullOr404(ctx);
      const { headSha, baseSha } = await pullHeads(ctx.repo, pull);
      const shas = (
        await ctx.repo.git.revList(headSha, { exclude: baseSha })
      ).reverse();
      const { page, headers } = paginate(shas, ctx.request);
      const commits = await Promise.all(
        page.map(sha => ctx.repo.git.readCommit(sha)),
      );
      return {
        status: 200,
        body: commits.map(c => ctx.shapes.commit(ctx.repo, c)),
        headers,
      };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/pulls/:number/files',
    permissions: read('pull_requests'),
    async handle(ctx) {
      const pull = findPullOr404(ctx);
      const { headSha, baseSha } = await pullHeads(ctx.repo, pull);
      const mergeBase = await ctx.repo.git.mergeBase(baseSha, headSha);
      const files = mergeBase
        ? await ctx.repo.git.diffFiles(mergeBase, headSha)
        : [];
      const { page, headers } = paginate(files, ctx.request);
      return {
        status: 200,
        body: page.map(f => ctx.shapes.fileChange(ctx.repo, headSha, f)),
        headers,
      };
    },
  },
  {
    method: 'PUT',
    path: '/repos/:owner/:repo/pulls/:number/merge',
    permissions: write('contents'),
    async handle(ctx) {
      const pull = findPullOr404(ctx);
      const body = ctx.request.body ?? {};
      const method: MergeMethod = body.merge_method ?? 'merge';
      if (!['merge', 'squash', 'rebase'].includes(method)) {
        throw validationFailed({
          resource: 'PullRequest',
          field: 'merge_method',
          code: 'invalid',
        });
      }
      const sha = await mergePull(ctx.repo, pull, {
        method,
        actor: ctx.actor,
        commitTitle: body.commit_title,
        commitMessage: body.commit_message,
        expectedHeadSha: body.sha,
      });
      return {
        status: 200,
        body: {
          sha,
          merged: true,
          message: 'Pull Request successfully merged',
        },
      };
    },
  },
];
