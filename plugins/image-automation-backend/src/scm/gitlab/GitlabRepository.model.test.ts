/*
 * Model-based test of the adapter's compare-and-swap: random interleavings of the bot's
 * read-commit-move, people pushing (also at the very moment of the bot's push), people deleting
 * the branch, and GitLab 502s. After every step: a person's commit is never lost from the branch,
 * a move happens only from the sha the bot expected, and a refused move changes nothing.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { parseRepositoryUrl } from '@image-automation/plugin-image-automation-common';
import {
  GitlabEmulator,
  startGitlabEmulator,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import { GitError } from '../GitError';
import { GitRepository } from '../port';
import { GitlabHostAdapter } from './GitlabHostAdapter';

jest.setTimeout(300_000);

const TOKEN = 'glpat-model';
const PROJECT = 'model/deploy';
const BRANCH = 'image-automation/model';
const STEPS = 24;

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('GitlabRepository compare-and-swap, model-based', () => {
  let gitlab: GitlabEmulator;
  let repo: GitRepository;

  beforeAll(async () => {
    gitlab = await startGitlabEmulator({ tokens: [TOKEN] });
    await gitlab.createProject(PROJECT, {
      files: { 'app.yaml': 'image: app:0\n' },
    });
    const config = new ConfigReader({
      integrations: {
        gitlab: [
          {
            host: gitlab.host,
            baseUrl: gitlab.baseUrl,
            apiBaseUrl: gitlab.apiBaseUrl,
            token: TOKEN,
          },
        ],
      },
    });
    repo = await GitlabHostAdapter.fromConfig(config, {
      logger: mockServices.logger.mock(),
    }).open(parseRepositoryUrl(`${gitlab.baseUrl}/${PROJECT}`)!);
  });
  afterAll(() => gitlab.stop());

  it("never loses a person's commit and moves only from the expected sha", async () => {
    const seed = Number(process.env.MODEL_SEED ?? Date.now() % 100000);
    const next = random(seed);
    const gitDir = gitlab.gitDir(PROJECT);
    const isAncestor = (a: string, b: string) => {
      try {
        execFileSync('git', [
          `--git-dir=${gitDir}`,
          'merge-base',
          '--is-ancestor',
          a,
          b,
        ]);
        return true;
      } catch {
        return false;
      }
    };
    /** People's commits that must stay on the branch until it is deleted. */
    let theirs: string[] = [];
    /** What the bot last read: a move from it may be stale. */
    let seen: string | undefined;
    const counts = {
      moved: 0,
      refused: 0,
      failed: 0,
      pushes: 0,
      racingPushes: 0,
      deletes: 0,
    };
    /** Invariant breaches of a step, asserted empty after it. */
    const violations: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) violations.push(what);
    };

    const personPush = async (label: string) => {
      const sha = await gitlab.commitFiles(
        PROJECT,
        BRANCH,
        { [`people/${label}.txt`]: `${label}\n` },
        { message: `person ${label}` },
      );
      theirs.push(sha);
      counts.pushes += 1;
      return sha;
    };

    /** The bot rebuilds on the base and moves from what it saw (fresh or stale), maybe raced. */
    const botStep = async (step: number) => {
      if (next() < 0.5) seen = await repo.branchSha(BRANCH);
      const base = (await repo.openBranch('main'))!;
      const commit = await repo.createCommit({
        parent: base,
        message: `bot ${step}`,
        changes: [
          { path: 'app.yaml', content: `image: app:${step}\n`, mode: '100644' },
        ],
      });
      const race: { sha?: string } = {};
      if (next() < 0.3) {
        // A person pushes right when the bot's write reaches GitLab (after its compare): as git
        // reads the refs, as receive-pack runs, or as a branch is created.
        const moment = Math.floor(next() * 3);
        gitlab.onRequest(async entry => {
          const write = [
            entry.method === 'GET' &&
              entry.path.endsWith('/info/refs') &&
              entry.query.includes('receive-pack'),
            entry.method === 'POST' && entry.path.endsWith('/git-receive-pack'),
            entry.method === 'POST' &&
              entry.path.endsWith('/repository/branches'),
          ][moment];
          if (write && !race.sha) {
            gitlab.onRequest(undefined);
            race.sha = await personPush(`race${step}`);
            counts.racingPushes += 1;
          }
        });
      }
      if (next() < 0.15) gitlab.injectFaults({ status5xx: 1 });
      const headBefore = await gitlab.branchSha(PROJECT, BRANCH);
      try {
        const result = await repo.moveBranch(BRANCH, seen, commit.sha);
        const after = await gitlab.branchSha(PROJECT, BRANCH);
        if (result.moved) {
          counts.moved += 1;
          check(
            after === commit.sha,
            `step ${step}: moved but the branch is at ${after}`,
          );
          check(
            !race.sha,
            `step ${step}: moved over ${race.sha}, pushed during the move`,
          );
          check(
            headBefore === seen,
            `step ${step}: moved from ${headBefore}, expected ${seen}`,
          );
          theirs = [];
        } else {
          counts.refused += 1;
          check(
            result.actualSha === after,
            `step ${step}: reported ${result.actualSha}, branch at ${after}`,
          );
          check(
            after === (race.sha ?? headBefore),
            `step ${step}: a refused move changed the branch`,
          );
        }
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        counts.failed += 1;
      } finally {
        gitlab.onRequest(undefined);
        gitlab.clearFaults();
      }
      seen = undefined;
    };

    let steps = 0;
    for (let step = 1; step <= STEPS; step++) {
      const roll = next();
      const exists = (await gitlab.branchSha(PROJECT, BRANCH)) !== undefined;
      if (roll < 0.25) {
        await personPush(`p${step}`);
      } else if (roll < 0.35 && exists) {
        await gitlab.deleteBranch(PROJECT, BRANCH);
        theirs = [];
        counts.deletes += 1;
      } else if (roll < 0.45) {
        seen = await repo.branchSha(BRANCH);
      } else {
        await botStep(step);
      }
      const head = await gitlab.branchSha(PROJECT, BRANCH);
      for (const sha of theirs) {
        check(!!head && isAncestor(sha, head), `step ${step}: lost ${sha}`);
      }
      expect(violations).toEqual([]);
      steps = step;
    }
    // eslint-disable-next-line no-console
    console.info(
      `GitLab CAS model: ${steps} steps (seed ${seed}): ${JSON.stringify(
        counts,
      )}`,
    );
    expect(counts.moved + counts.refused).toBeGreaterThan(0);
  });
});
