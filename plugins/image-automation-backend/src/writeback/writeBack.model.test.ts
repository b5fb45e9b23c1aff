/*
 * A model-based run of the write-back: two engines (replicas) on one
 * PostgreSQL against the GitHub emulator (a real bare repository) and a real
 * registry behind a fault proxy, driven by a seeded random script of new
 * tags, people closing, merging and pushing, the base moving, GitHub 5xx and
 * secondary rate limits and registry outages. After every step the
 * invariants are checked against real `git` and the emulator's pull
 * requests. Steps and seeds are printed; a failure names its seed, so
 * `IA_MODEL_SEED=<seed>` replays it.
 *
 *   IA_MODEL_SEEDS  how many seeds to run (default 3)
 *   IA_MODEL_STEPS  steps per seed (default 16)
 *   IA_MODEL_SEED   run exactly this seed
 */
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FaultProxy,
  GithubEmulator,
  StartedRegistry,
  startFaultProxy,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { Octokit } from '@octokit/rest';
import { execFileSync } from 'node:child_process';
import { Knex } from 'knex';
import { createAutomationEngine } from '../engine/createAutomationEngine';

jest.setTimeout(30 * 60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const TOKEN = 'model-token';
const ENTITY = 'component:default/svc';
const BOT = 'image-automation-bot';
const PERSON = { name: 'Pat Person', email: 'pat@example.com' };
const FILES = ['deploy/a.yaml', 'deploy/b.yaml'];

const SEEDS = process.env.IA_MODEL_SEED
  ? [Number(process.env.IA_MODEL_SEED)]
  : Array.from(
      { length: Number(process.env.IA_MODEL_SEEDS ?? 3) },
      (_, i) => 1001 + i * 7919,
    );
const STEPS = Number(process.env.IA_MODEL_STEPS ?? 16);

/** mulberry32: small, seedable, good enough to shuffle a script. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step =
  | { kind: 'tag' }
  | {
      kind: 'cycle';
      replicas: 'a' | 'b' | 'both';
      github5xx?: number;
      secondaryLimit?: boolean;
      registryOutage?: boolean;
    }
  | { kind: 'close' }
  | { kind: 'merge'; method: 'merge' | 'squash' }
  | { kind: 'push-to-branch'; keepTrailer: boolean }
  | { kind: 'base-moves' }
  | { kind: 'base-bump'; file: string };

function pick(next: () => number): Step {
  const r = next();
  if (r < 0.18) return { kind: 'tag' };
  if (r < 0.58) {
    const f = next();
    return {
      kind: 'cycle',
      replicas: (['a', 'b', 'both'] as const)[Math.floor(next() * 3)],
      github5xx: f < 0.2 ? 1 + Math.floor(next() * 6) : undefined,
      secondaryLimit: f >= 0.2 && f < 0.27,
      registryOutage: f >= 0.27 && f < 0.37,
    };
  }
  if (r < 0.67) return { kind: 'close' };
  if (r < 0.76)
    return { kind: 'merge', method: next() < 0.5 ? 'merge' : 'squash' };
  if (r < 0.85) return { kind: 'push-to-branch', keepTrailer: next() < 0.5 };
  if (r < 0.92) return { kind: 'base-moves' };
  return { kind: 'base-bump', file: FILES[Math.floor(next() * FILES.length)] };
}

function describeStep(step: Step): string {
  if (step.kind !== 'cycle') return JSON.stringify(step);
  const faults = [
    step.github5xx && `github 5xx x${step.github5xx}`,
    step.secondaryLimit && 'secondary limit',
    step.registryOutage && 'registry outage',
  ].filter(Boolean);
  return `cycle ${step.replicas}${
    faults.length ? ` (${faults.join(', ')})` : ''
  }`;
}

/** Dotted numbers only: every tag in the model is 1.N.0. */
function compare(a: string, b: string): number {
  const [x, y] = [a, b].map(t => t.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

let stepsRun = 0;
let seedsRun = 0;
let registry: StartedRegistry;
let proxy: FaultProxy;
let github: GithubEmulator;

beforeAll(async () => {
  [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [TOKEN] }),
  ]);
  proxy = await startFaultProxy(registry.url);
});
afterAll(async () => {
  // eslint-disable-next-line no-console
  console.log(`write-back model: ${seedsRun} seeds, ${stepsRun} steps, invariants checked after every step`);
  await Promise.all([proxy?.stop(), registry?.stop(), github?.stop()]);
});

const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id === 'POSTGRES_15');

describe.each(postgres)('write-back model on %p', databaseId => {
  it.each(SEEDS)('keeps its invariants, seed %p', async seed => {
    // runModel throws, naming the seed and the steps, when an invariant breaks.
    expect(await runModel(databaseId, seed)).toBe(STEPS);
  });
});

async function runModel(
  databaseId: TestDatabaseId,
  seed: number,
): Promise<number> {
  const next = random(seed);
  const name = `model-${seed}`;
  const image = `model/svc${seed}`;
  const tags = ['1.0.0', '1.1.0'];
  await registry.pushTags(image, tags);
  const manifest = (tag: string) =>
    `image: ${proxy.host}/${image}:${tag} # {"$imagepolicy": "svc"}\n`;
  await github.createRepository('acme', name, {
    files: Object.fromEntries(FILES.map(f => [f, manifest('1.0.0')])),
  });
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'svc',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `url:https://github.com/acme/${name}/blob/main/catalog-info.yaml`,
        'image-automation/repo': `https://github.com/acme/${name}`,
        'image-automation/image': `${proxy.host}/${image}`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': FILES.join(', '),
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/a',
      lifecycle: 'production',
    },
  };
  let clock = Date.now();
  const knex = await databases.init(databaseId);
  const replica = async (sharedKnex: Knex) =>
    createAutomationEngine({
      config: mockServices.rootConfig({
        data: {
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: github.apiBaseUrl,
                token: TOKEN,
              },
            ],
          },
          imageAutomation: {
            registries: [{ host: proxy.host, insecure: true }],
          },
        },
      }),
      logger: mockServices.logger.mock(),
      database: mockServices.database.mock({
        getClient: async () => sharedKnex,
      }),
      catalog: catalogServiceMock({ entities: [entity] }),
      auth: mockServices.auth(),
      metrics: metricsServiceMock.mock(),
      registryOptions: { retries: 1, backoffBaseMs: 10, backoffMaxMs: 20 },
      now: () => clock,
    });
  const a = await replica(knex);
  const b = await replica(knex);
  const octokit = new Octokit({ baseUrl: github.apiBaseUrl, auth: TOKEN });

  const gitDir = github.gitDir('acme', name);
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' });
  const tagAt = (rev: string, file: string) => {
    try {
      return /:(\d+\.\d+\.\d+) /.exec(git('show', `${rev}:${file}`))?.[1];
    } catch {
      return undefined;
    }
  };
  /** Pull requests a person closed without merging, with the tag each proposed. */
  const declined: Array<{ number: number; tag: string }> = [];
  const proposedTag = (title: string) => /to (\d+\.\d+\.\d+)/.exec(title)?.[1];
  const log: string[] = [];

  const check = async (
    step: Step,
    before: Map<number, string>,
    hadError: boolean,
  ) => {
    const pulls = await github.listPullRequests('acme', name);
    const fail = (what: string) => {
      throw new Error(
        `seed ${seed}, step ${log.length}: ${what}\nsteps:\n${log.join('\n')}`,
      );
    };
    // 1. At most one open pull request for the entity.
    const open = pulls.filter(p => p.state === 'open');
    if (open.length > 1) fail(`${open.length} open pull requests`);

    // 2. No commit of ours on top of a person's, on any branch of ours.
    const branches = git(
      'for-each-ref',
      '--format=%(refname:short)',
      'refs/heads/image-automation/',
    )
      .split('\n')
      .filter(Boolean);
    for (const branch of branches) {
      const authors = git(
        'log',
        '--first-parent',
        '--reverse',
        '--format=%an',
        `main..${branch}`,
      )
        .split('\n')
        .filter(Boolean);
      const firstPerson = authors.indexOf(PERSON.name);
      if (firstPerson >= 0 && authors.slice(firstPerson).includes(BOT)) {
        fail(
          `a commit of ours sits on a person's commit on ${branch}: ${authors.join(
            ' > ',
          )}`,
        );
      }
    }

    // 3. No commit of ours moves a place below its tag.
    for (const line of git(
      'log',
      '--all',
      '--no-merges',
      `--author=${BOT}`,
      '--format=%H %P',
    )
      .split('\n')
      .filter(Boolean)) {
      const [sha, parent] = line.split(' ');
      for (const file of FILES) {
        const [was, now] = [tagAt(parent, file), tagAt(sha, file)];
        if (was && now && compare(now, was) < 0) {
          fail(
            `commit ${sha.slice(
              0,
              7,
            )} moves ${file} down from ${was} to ${now}`,
          );
        }
      }
    }

    // 4. No pull request closed by a cycle that had an error; one we closed
    //    is one whose tags the base already holds.
    if (step.kind === 'cycle') {
      for (const pull of pulls) {
        if (before.get(pull.number) !== 'open' || pull.state !== 'closed')
          continue;
        if (pull.merged) continue;
        if (hadError)
          fail(`#${pull.number} was closed in a cycle that had an error`);
        const target = proposedTag(pull.title);
        for (const file of FILES) {
          const held = tagAt('main', file);
          if (target && held && compare(held, target) < 0) {
            fail(
              `#${pull.number} (to ${target}) was closed while main's ${file} holds ${held}`,
            );
          }
        }
      }
    }

    // 5. What a person declined is not proposed again.
    for (const pull of pulls) {
      const tag = proposedTag(pull.title);
      for (const d of declined) {
        if (pull.number > d.number && tag && compare(tag, d.tag) <= 0) {
          fail(`#${pull.number} proposes ${tag}, declined with #${d.number}`);
        }
      }
    }
  };

  for (let index = 0; index < STEPS; index++) {
    const step = pick(next);
    log.push(`${index + 1}. ${describeStep(step)}`);
    const before = new Map(
      (await github.listPullRequests('acme', name)).map(p => [
        p.number,
        p.state,
      ]),
    );
    const openPull = (await github.listPullRequests('acme', name)).find(
      p => p.state === 'open',
    );
    let hadError = false;
    switch (step.kind) {
      case 'tag': {
        const tag = `1.${tags.length}.0`;
        tags.push(tag);
        await registry.pushTags(image, [tag]);
        break;
      }
      case 'cycle': {
        clock += 10 * 60_000;
        if (step.github5xx) github.injectFaults({ status5xx: step.github5xx });
        if (step.secondaryLimit) {
          github.injectFaults({
            secondaryRateLimit: { count: 1, retryAfterSeconds: 1 },
          });
        }
        if (step.registryOutage)
          proxy.inject({ kind: 'status', status: 503 }, 50);
        const engines =
          step.replicas === 'both' ? [a, b] : [step.replicas === 'a' ? a : b];
        await Promise.all(engines.map(e => e.engine.runCycle()));
        github.clearFaults();
        proxy.clear();
        const images = await a.store.listImages({ entityRefs: [ENTITY] });
        hadError = images.some(i => i.state === 'error');
        break;
      }
      case 'close':
        if (openPull) {
          await octokit.pulls.update({
            owner: 'acme',
            repo: name,
            pull_number: openPull.number,
            state: 'closed',
          });
          const tag = proposedTag(openPull.title);
          if (tag) declined.push({ number: openPull.number, tag });
        }
        break;
      case 'merge':
        if (openPull) {
          try {
            await github.mergePullRequest('acme', name, openPull.number, {
              method: step.method,
            });
          } catch (error) {
            log.push(
              `   (not mergeable: ${(error as Error).message.split('\n')[0]})`,
            );
          }
        }
        break;
      case 'push-to-branch':
        if (openPull) {
          await github.commitFiles(
            'acme',
            name,
            openPull.head,
            { [`notes/${index}.md`]: 'a note\n' },
            {
              message: step.keepTrailer
                ? `a note\n\nImage-Automation-Entity: ${ENTITY}\n`
                : 'a note',
              author: PERSON,
            },
          );
        }
        break;
      case 'base-moves':
        await github.commitFiles(
          'acme',
          name,
          'main',
          { [`docs/${index}.md`]: 'docs\n' },
          { message: 'docs', author: PERSON },
        );
        break;
      case 'base-bump': {
        const newest = tags[tags.length - 1];
        await github.commitFiles(
          'acme',
          name,
          'main',
          { [step.file]: manifest(newest) },
          { message: `bump ${step.file} by hand`, author: PERSON },
        );
        break;
      }
      default:
        break;
    }
    await check(step, before, hadError);
    stepsRun++;
  }
  seedsRun++;
  // eslint-disable-next-line no-console
  console.log(
    `write-back model: seed ${seed}, ${STEPS} steps, invariants held\n${log.join(
      '\n',
    )}`,
  );
  return log.filter(line => /^\d+\. /.test(line)).length;
}
