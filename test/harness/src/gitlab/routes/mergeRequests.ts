import { READ_API, WRITE_API } from '../auth';
import { badRequest, conflict, GitlabApiError } from '../http/GitlabApiError';
import {
  missing,
  optionalParam,
  paginate,
  ProjectContext,
  ProjectRoute,
  requireParam,
} from '../http/routing';
import { MergeRequestRecord, nowIso } from '../model';
import { branchRef, closeMergeRequest, mergeRequestSha } from '../operations';

function mergeRequestOr404(ctx: ProjectContext): MergeRequestRecord {
  const mr = ctx.project.findMergeRequest(Number(ctx.request.params.iid));
  // GitLab says `404 Not found` here, lower-case, unlike its other 404s.
  if (!mr) throw new GitlabApiError(404, { message: '404 Not found' });
  return mr;
}

async function shape(ctx: ProjectContext, mr: MergeRequestRecord) {
  return ctx.shapes.mergeRequest(
    ctx.project,
    mr,
    await mergeRequestSha(ctx.project, mr),
  );
}

/** `labels` as GitLab takes it: a comma-separated string or an array. */
function labelsOf(value: unknown): string[] {
  let list: string[] = [];
  if (Array.isArray(value)) list = value.map(String);
  else if (typeof value === 'string') list = value.split(',');
  return [...new Set(list.map(l => l.trim()).filter(Boolean))];
}

/** GitLab refuses a second open merge request for the same source and target branches. */
function assertNoOpenDuplicate(
  ctx: ProjectContext,
  source: string,
  target: string,
  except?: number,
) {
  const other = ctx.project.mergeRequests.find(
    m =>
      m.state === 'opened' &&
      m.sourceBranch === source &&
      m.targetBranch === target &&
      m.iid !== except,
  );
  if (other) {
    throw conflict([
      `Another open merge request already exists for this source branch: !${other.iid}`,
    ]);
  }
}

const STATES: Record<string, MergeRequestRecord['state'] | 'all'> = {
  opened: 'opened',
  closed: 'closed',
  merged: 'merged',
  all: 'all',
};

export const mergeRequestRoutes: ProjectRoute[] = [
  {
    method: 'GET',
    path: '/projects/:id/merge_requests',
    scopes: READ_API,
    async handle(ctx) {
      const { query } = ctx.request;
      const state = STATES[query.get('state') ?? 'all'];
      if (!state) {
        throw new GitlabApiError(400, {
          error: 'state does not have a valid value',
        });
      }
      const source = query.get('source_branch');
      const target = query.get('target_branch');
      const labels = labelsOf(query.get('labels') ?? '');
      const matching = ctx.project.mergeRequests
        .filter(
          m =>
            (state === 'all' || m.state === state) &&
            (!source || m.sourceBranch === source) &&
            (!target || m.targetBranch === target) &&
            labels.every(l => m.labels.includes(l)),
        )
        .sort((a, b) =>
          query.get('sort') === 'asc' ? a.iid - b.iid : b.iid - a.iid,
        );
      const { page, headers } = paginate(matching, ctx.request);
      return {
        status: 200,
        body: await Promise.all(page.map(m => shape(ctx, m))),
        headers,
      };
    },
  },
  {
    method: 'GET',
    path: '/projects/:id/merge_requests/:iid',
    scopes: READ_API,
    async handle(ctx) {
      return { status: 200, body: await shape(ctx, mergeRequestOr404(ctx)) };
    },
  },
  {
    method: 'POST',
    path: '/projects/:id/merge_requests',
    scopes: WRITE_API,
    async handle(ctx) {
      const { request, project } = ctx;
      const source = requireParam(request, 'source_branch');
      const target = requireParam(request, 'target_branch');
      const title = requireParam(request, 'title');
      if (source === target) {
        throw badRequest({
          branch_conflict: [
            "You can't use same project/branch for source and target",
          ],
        });
      }
      for (const [field, name] of [
        ['source_branch', source],
        ['target_branch', target],
      ]) {
        if (!(await project.git.readRef(branchRef(name)))) {
          throw badRequest({
            [field]: [`${field.replace('_', ' ')} "${name}" does not exist`],
          });
        }
      }
      assertNoOpenDuplicate(ctx, source, target);
      const now = nowIso();
      const mr: MergeRequestRecord = {
        id: ctx.nextId(),
        iid: project.nextIid(),
        title,
        description: optionalParam(request, 'description') ?? '',
        state: 'opened',
        sourceBranch: source,
        targetBranch: target,
        labels: labelsOf(request.body.labels ?? request.query.get('labels')),
        notes: [],
        author: ctx.grant.user,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        mergedAt: null,
        mergeCommitSha: null,
      };
      project.mergeRequests.push(mr);
      return { status: 201, body: await shape(ctx, mr) };
    },
  },
  {
    method: 'PUT',
    path: '/projects/:id/merge_requests/:iid',
    scopes: WRITE_API,
    async handle(ctx) {
      const { request, project } = ctx;
      const mr = mergeRequestOr404(ctx);
      const known = [
        'title',
        'description',
        'state_event',
        'labels',
        'add_labels',
        'remove_labels',
        'target_branch',
      ];
      if (!known.some(k => request.body[k] !== undefined)) {
        throw new GitlabApiError(400, {
          error: `${known.join(
            ', ',
          )} are missing, at least one parameter must be provided`,
        });
      }
      const stateEvent = optionalParam(request, 'state_event');
      if (stateEvent && stateEvent !== 'close' && stateEvent !== 'reopen') {
        throw new GitlabApiError(400, {
          error: 'state_event does not have a valid value',
        });
      }
      if (request.body.title !== undefined) {
        if (!String(request.body.title)) {
          throw badRequest({ title: ["can't be blank"] });
        }
        mr.title = String(request.body.title);
      }
      if (request.body.description !== undefined) {
        mr.description = String(request.body.description);
      }
      if (request.body.labels !== undefined) {
        mr.labels = labelsOf(request.body.labels);
      }
      if (request.body.add_labels !== undefined) {
        mr.labels = [
          ...new Set([...mr.labels, ...labelsOf(request.body.add_labels)]),
        ];
      }
      if (request.body.remove_labels !== undefined) {
        const removed = labelsOf(request.body.remove_labels);
        mr.labels = mr.labels.filter(l => !removed.includes(l));
      }
      mr.updatedAt = nowIso();
      if (stateEvent === 'close' && mr.state === 'opened') {
        await closeMergeRequest(project, mr, ctx.grant.user, ctx.nextId);
      } else if (stateEvent === 'reopen' && mr.state === 'closed') {
        if (!(await project.git.readRef(branchRef(mr.sourceBranch)))) {
          throw badRequest({
            source_branch: [
              `source branch "${mr.sourceBranch}" does not exist`,
            ],
          });
        }
        assertNoOpenDuplicate(ctx, mr.sourceBranch, mr.targetBranch, mr.iid);
        mr.state = 'opened';
        mr.closedAt = null;
        mr.frozenSha = undefined;
        mr.notes.push({
          id: ctx.nextId(),
          body: 'reopened',
          author: ctx.grant.user,
          createdAt: mr.updatedAt,
          system: true,
        });
      }
      return { status: 200, body: await shape(ctx, mr) };
    },
  },
  {
    method: 'GET',
    path: '/projects/:id/merge_requests/:iid/notes',
    scopes: READ_API,
    async handle(ctx) {
      const mr = mergeRequestOr404(ctx);
      const { page, headers } = paginate(mr.notes, ctx.request);
      return {
        status: 200,
        body: page.map(n => ctx.shapes.note(n, mr)),
        headers,
      };
    },
  },
  {
    method: 'POST',
    path: '/projects/:id/merge_requests/:iid/notes',
    scopes: WRITE_API,
    async handle(ctx) {
      const mr = mergeRequestOr404(ctx);
      const body = optionalParam(ctx.request, 'body');
      if (body === undefined) throw missing('body');
      if (!body.trim()) {
        throw badRequest({ note: ["can't be blank"] });
      }
      const note = {
        id: ctx.nextId(),
        body,
        author: ctx.grant.user,
        createdAt: nowIso(),
        system: false,
      };
      mr.notes.push(note);
      return { status: 201, body: ctx.shapes.note(note, mr) };
    },
  },
];
