import { ConfigReader } from '@backstage/config';
import { parseRepositoryUrl } from '@image-automation/plugin-image-automation-common';
import {
  ServedRepository,
  startHttpGitServer,
  StartedHttpGitServer,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitRepository } from '../port';
import { PlainGitHostAdapter } from './PlainGitHostAdapter';
import { capturingLogger } from './testing';

jest.setTimeout(300_000);

const STEPS = 60;
const PUSH_BRANCH = 'image-automation/app';

/** A small seeded generator, so a failing run can be replayed from its seed. */
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

/**
 * People commit, rewind and race the adapter on a real server while it
 * writes in push and push-branch mode through handles whose view of the
 * server may be stale (one kept across steps, as in a long cycle). After every step: no person's commit is lost by the
 * plugin, and every ref move happened exactly when the branch was at the sha
 * the plugin expected.
 */
describe('PlainGitRepository under people and stale reads (model-based)', () => {
  let http: StartedHttpGitServer;
  let served: ServedRepository;
  let workDir: string;

  beforeAll(async () => {
    http = await startHttpGitServer({ users: { bot: 'model-token-123456' } });
    served = await http.root.createRepository('team/model.git', {
      files: { 'deploy/app.yaml': 'image: app:1\n', 'README.md': 'hi\n' },
    });
    workDir = mkdtempSync(join(tmpdir(), 'ia-plain-git-model-'));
  });
  afterAll(async () => {
    await http?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  const isAncestor = (ancestor: string, descendant: string) => {
    try {
      execFileSync(
        'git',
        [
          `--git-dir=${served.gitDir}`,
          'merge-base',
          '--is-ancestor',
          ancestor,
          descendant,
        ],
        { env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' } },
      );
      return true;
    } catch {
      return false;
    }
  };

  it("never loses a person's commit and moves refs only from the expected sha", async () => {
    const seed = Number(process.env.MODEL_SEED ?? Date.now() % 100_000);
    const next = random(seed);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
    const adapter = PlainGitHostAdapter.fromConfig(
      new ConfigReader({
        imageAutomation: {
          git: {
            hosts: [
              {
                host: http.host,
                https: { username: 'bot', token: 'model-token-123456' },
              },
            ],
          },
        },
      }),
      { logger: capturingLogger(), workingDirectory: workDir },
    );
    const location = parseRepositoryUrl(http.url(served.path))!;
    // A handle kept across steps sees the server as of its first look (a long
    // cycle); a new one looks again (the next cycle).
    const stale = await adapter.open(location);
    // Commits people made that must stay on their branch (until a person rewinds it).
    const kept = new Map<string, Set<string>>([
      ['main', new Set()],
      [PUSH_BRANCH, new Set()],
    ]);
    let ours: string | undefined; // our last commit on the push branch
    let tag = 1;
    const counts: Record<string, number> = {};
    const violations: string[] = [];

    const write = async (
      repository: GitRepository,
      branch: string,
      expected: string | undefined,
      base: string,
    ) => {
      const head = (await repository.openBranch(base))!;
      const snapshot = await repository.readFiles(head, ['deploy/app.yaml']);
      const commit = await repository.createCommit({
        parent: head,
        message: `Update app to ${++tag}`,
        changes: [
          {
            path: 'deploy/app.yaml',
            content: snapshot.files
              .get('deploy/app.yaml')!
              .content.replace(/app:\d+/, `app:${tag}`),
            mode: '100644',
          },
        ],
      });
      const before = await served.branchSha(branch);
      const move = await repository.moveBranch(branch, expected, commit.sha);
      const after = await served.branchSha(branch);
      // Compare-and-swap: moved exactly when the server was at the expected sha.
      const shouldMove = before === expected || before === commit.sha;
      expect(move).toEqual(
        shouldMove ? { moved: true } : { moved: false, actualSha: before },
      );
      expect(after).toBe(shouldMove ? commit.sha : before);
      const outcome = move.moved ? 'moved' : 'refused';
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      return { move, commit };
    };

    for (let step = 1; step <= STEPS; step++) {
      const action = pick([
        'person-main',
        'person-branch',
        'person-rewinds-main',
        'push',
        'push',
        'push-branch',
        'push-branch',
      ]);
      counts[action] = (counts[action] ?? 0) + 1;
      const repository = next() < 0.5 ? stale : await adapter.open(location);
      switch (action) {
        case 'person-main':
          kept
            .get('main')!
            .add(
              await served.commit('main', { 'README.md': `step ${step}\n` }),
            );
          break;
        case 'person-branch':
          if (await served.branchSha(PUSH_BRANCH)) {
            kept.get(PUSH_BRANCH)!.add(
              await served.commit(PUSH_BRANCH, {
                'notes.txt': `step ${step}\n`,
              }),
            );
          }
          break;
        case 'person-rewinds-main': {
          const [, parent] = await served.log('main');
          if (parent) {
            await served.resetBranch('main', parent.sha);
            // A person's own rewind may drop anyone's commits: what is kept is what is left.
            for (const sha of kept.get('main')!) {
              if (!isAncestor(sha, parent.sha)) kept.get('main')!.delete(sha);
            }
          }
          break;
        }
        case 'push': {
          // The coordinator's push mode: expected is the head it read.
          for (let attempt = 0; attempt < 3; attempt++) {
            const head = (await repository.openBranch('main'))!;
            const { move } = await write(
              repository,
              'main',
              head.headSha,
              'main',
            );
            if (move.moved) break;
          }
          break;
        }
        case 'push-branch': {
          const current = await repository.branchSha(PUSH_BRANCH);
          // Ours (or absent) may be rebuilt; a branch a person touched is left alone.
          if (current !== undefined && current !== ours) break;
          const { move, commit } = await write(
            repository,
            PUSH_BRANCH,
            current,
            'main',
          );
          if (move.moved) ours = commit.sha;
          // Our rebuild replaced only our own commit: nothing a person made was on it.
          const dropped = [...kept.get(PUSH_BRANCH)!].filter(
            sha => !isAncestor(sha, commit.sha),
          );
          if (move.moved && dropped.length) {
            violations.push(
              `step ${step}: our push branch dropped ${dropped.join(', ')}`,
            );
          }
          break;
        }
        default:
          break;
      }
      expect(violations).toEqual([]);
      // Invariant: every person's commit is still on its branch.
      for (const [branch, commits] of kept) {
        const head = await served.branchSha(branch);
        for (const sha of commits) {
          expect({
            step,
            branch,
            sha,
            kept: head ? isAncestor(sha, head) : false,
          }).toEqual({
            step,
            branch,
            sha,
            kept: true,
          });
        }
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `plain Git model: seed ${seed}, ${STEPS} steps ran: ${JSON.stringify(
        counts,
      )}`,
    );
  });
});
