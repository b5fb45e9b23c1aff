import { runGit } from '../../git/runGit';
import { notFound, unprocessable } from '../http/GithubApiError';
import { paginate } from '../http/routing';
import { assertNotProtected, closePull } from '../operations';
import {
  read,
  RepoContext,
  RepoRoute,
  requireString,
  write,
} from './RepoContext';

async function matchingRefs(ctx: RepoContext, prefix: string) {
  const refs = await ctx.repo.git.listRefs();
  // GitHub matches on the string prefix, so `heads/feat` finds `heads/feature-a`.
  return refs
    .filter(r => r.ref.startsWith(`refs/${prefix}`))
    .map(r => ctx.shapes.ref(ctx.repo, r.ref, r.sha));
}

async function isWellFormedRef(ref: string): Promise<boolean> {
  if (!/^refs\/[^/]+\/.+/.test(ref)) {
    return false;
  }
  const { exitCode } = await runGit(undefined, ['check-ref-format', ref], {
    acceptExitCodes: [1],
  });
  return exitCode === 0;
}

/** Branch refs must point at commits; GitHub answers the same message for a missing object. */
async function assertPointable(ctx: RepoContext, ref: string, sha: unknown) {
  const type =
    typeof sha === 'string' ? await ctx.repo.git.objectType(sha) : undefined;
  if (!type || (ref.startsWith('refs/heads/') && type !== 'commit')) {
    throw unprocessable('Object does not exist');
  }
}

export const gitRefRoutes: RepoRoute[] = [
  {
    method: 'GET',
    path: '/repos/:owner/:repo/git/ref/*ref',
    permissions: read('contents'),
    async handle(ctx) {
      const fullRef = `refs/${ctx.request.params.ref}`;
      const sha = await ctx.repo.git.readRef(fullRef);
      if (!sha || !(await isWellFormedRef(fullRef))) {
        throw notFound();
      }
      return { status: 200, body: ctx.shapes.ref(ctx.repo, fullRef, sha) };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/git/matching-refs',
    permissions: read('contents'),
    async handle(ctx) {
      const { page, headers } = paginate(
        await matchingRefs(ctx, ''),
        ctx.request,
      );
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/git/matching-refs/*ref',
    permissions: read('contents'),
    async handle(ctx) {
      const refs = await matchingRefs(ctx, ctx.request.params.ref);
      const { page, headers } = paginate(refs, ctx.request);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'POST',
    path: '/repos/:owner/:repo/git/refs',
    permissions: write('contents'),
    async handle(ctx) {
      const ref = requireString(ctx.request.body, 'ref');
      const sha = requireString(ctx.request.body, 'sha');
      if (!(await isWellFormedRef(ref))) {
        throw unprocessable(`${ref} is not a valid ref name.`);
      }
      await assertPointable(ctx, ref, sha);
      if (await ctx.repo.git.readRef(ref)) {
        throw unprocessable('Reference already exists');
      }
      if (!(await ctx.repo.git.compareAndSwapRef(ref, sha, undefined))) {
        throw unprocessable('Reference already exists');
      }
      return { status: 201, body: ctx.shapes.ref(ctx.repo, ref, sha) };
    },
  },
  {
    method: 'PATCH',
    path: '/repos/:owner/:repo/git/refs/*ref',
    permissions: write('contents'),
    async handle(ctx) {
      const fullRef = `refs/${ctx.request.params.ref}`;
      const sha = requireString(ctx.request.body, 'sha');
      const force = ctx.request.body?.force === true;
      const current = await ctx.repo.git.readRef(fullRef);
      if (!current) {
        throw unprocessable('Reference does not exist');
      }
      await assertPointable(ctx, fullRef, sha);
      assertNotProtected(ctx.repo, fullRef);
      if (!force && !(await ctx.repo.git.isAncestor(current, sha))) {
        throw unprocessable('Update is not a fast forward');
      }
      if (!(await ctx.repo.git.compareAndSwapRef(fullRef, sha, current))) {
        throw unprocessable('Reference cannot be updated');
      }
      return { status: 200, body: ctx.shapes.ref(ctx.repo, fullRef, sha) };
    },
  },
  {
    method: 'DELETE',
    path: '/repos/:owner/:repo/git/refs/*ref',
    permissions: write('contents'),
    async handle(ctx) {
      const fullRef = `refs/${ctx.request.params.ref}`;
      const current = await ctx.repo.git.readRef(fullRef);
      if (!current) {
        throw unprocessable('Reference does not exist');
      }
      assertNotProtected(ctx.repo, fullRef);
      if (!(await ctx.repo.git.deleteRef(fullRef, current))) {
        throw unprocessable('Reference cannot be updated');
      }
      // GitHub closes open pull requests whose head branch is deleted.
      const branch = fullRef.replace(/^refs\/heads\//, '');
      for (const pull of ctx.repo.pulls) {
        if (pull.state === 'open' && pull.headRef === branch) {
          pull.closedHeadSha = current;
          await closePull(ctx.repo, pull);
        }
      }
      return { status: 204 };
    },
  },
];
