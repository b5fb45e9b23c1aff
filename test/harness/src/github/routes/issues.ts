import { notFound, unprocessable } from '../http/GithubApiError';
import { paginate } from '../http/routing';
import { nowIso, PullRequestRecord } from '../model';
import { RepoContext, RepoRoute, requireString } from './RepoContext';

/**
 * Issue endpoints on pull requests (GitHub treats every pull request as an issue). Plain issues
 * are not emulated: an issue number that is not a pull request is a 404.
 */

/** Labels and comments on a pull request may be written with either permission. */
const ISSUE_WRITE = [
  { issues: 'write' as const },
  { pull_requests: 'write' as const },
];
const ISSUE_READ = [
  { issues: 'read' as const },
  { pull_requests: 'read' as const },
];

/** GitHub's default colour for labels created implicitly by adding them. */
const DEFAULT_LABEL_COLOR = 'ededed';

function issueOr404(ctx: RepoContext): PullRequestRecord {
  const pull = ctx.repo.findPull(Number(ctx.request.params.number));
  if (!pull) {
    throw notFound();
  }
  return pull;
}

/** `{labels: ["a"]}`, `{labels: [{name: "a"}]}` and a bare `["a"]` are all accepted. */
function labelNames(body: unknown): string[] {
  const list = Array.isArray(body) ? body : (body as any)?.labels;
  if (!Array.isArray(list)) {
    throw unprocessable(`Invalid request.\n\n"labels" wasn't supplied.`);
  }
  return list.map(item => {
    const name = typeof item === 'string' ? item : item?.name;
    if (typeof name !== 'string' || name.trim() === '') {
      throw unprocessable(
        'Invalid request.\n\nLabel names must be non-empty strings.',
      );
    }
    return name;
  });
}

function ensureLabel(ctx: RepoContext, name: string): string {
  const existing = [...ctx.repo.labels.values()].find(
    l => l.name.toLowerCase() === name.toLowerCase(),
  );
  if (existing) {
    return existing.name;
  }
  ctx.repo.labels.set(name, {
    id: ctx.repo.nextId(),
    name,
    color: DEFAULT_LABEL_COLOR,
    description: null,
  });
  return name;
}

const labelsOf = (ctx: RepoContext, pull: PullRequestRecord) =>
  pull.labels.map(name =>
    ctx.shapes.label(ctx.repo, ctx.repo.labels.get(name)!),
  );

export const issueRoutes: RepoRoute[] = [
  {
    method: 'GET',
    path: '/repos/:owner/:repo/issues/:number/labels',
    permissions: ISSUE_READ,
    async handle(ctx) {
      const { page, headers } = paginate(
        labelsOf(ctx, issueOr404(ctx)),
        ctx.request,
      );
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'POST',
    path: '/repos/:owner/:repo/issues/:number/labels',
    permissions: ISSUE_WRITE,
    async handle(ctx) {
      const pull = issueOr404(ctx);
      for (const name of labelNames(ctx.request.body)) {
        const label = ensureLabel(ctx, name);
        if (!pull.labels.includes(label)) {
          pull.labels.push(label);
        }
      }
      pull.updatedAt = nowIso();
      return { status: 200, body: labelsOf(ctx, pull) };
    },
  },
  {
    method: 'PUT',
    path: '/repos/:owner/:repo/issues/:number/labels',
    permissions: ISSUE_WRITE,
    async handle(ctx) {
      const pull = issueOr404(ctx);
      pull.labels = [
        ...new Set(labelNames(ctx.request.body).map(n => ensureLabel(ctx, n))),
      ];
      pull.updatedAt = nowIso();
      return { status: 200, body: labelsOf(ctx, pull) };
    },
  },
  {
    method: 'DELETE',
    path: '/repos/:owner/:repo/issues/:number/labels/*name',
    permissions: ISSUE_WRITE,
    async handle(ctx) {
      const pull = issueOr404(ctx);
      const name = ctx.request.params.name.toLowerCase();
      const index = pull.labels.findIndex(l => l.toLowerCase() === name);
      if (index === -1) {
        throw notFound('Label does not exist');
      }
      pull.labels.splice(index, 1);
      return { status: 200, body: labelsOf(ctx, pull) };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/issues/:number/comments',
    permissions: ISSUE_READ,
    async handle(ctx) {
      const pull = issueOr404(ctx);
      const comments = pull.comments.map(c =>
        ctx.shapes.comment(ctx.repo, pull.number, c),
      );
      const { page, headers } = paginate(comments, ctx.request);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'POST',
    path: '/repos/:owner/:repo/issues/:number/comments',
    permissions: ISSUE_WRITE,
    async handle(ctx) {
      const pull = issueOr404(ctx);
      const body = requireString(ctx.request.body, 'body');
      const now = nowIso();
      const comment = {
        id: ctx.repo.nextId(),
        body,
        user: ctx.actor,
        createdAt: now,
        updatedAt: now,
      };
      pull.comments.push(comment);
      pull.updatedAt = now;
      return {
        status: 201,
        body: ctx.shapes.comment(ctx.repo, pull.number, comment),
      };
    },
  },
];
