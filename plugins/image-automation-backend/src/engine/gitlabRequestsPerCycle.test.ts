/*
 * What a cycle costs on GitLab, counted by the GitLab emulator, and what happens when GitLab's
 * authenticated API rate limit is spent: the same contract as githubRequestsPerCycle.test.ts.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  GitlabEmulator,
  StartedRegistry,
  startGitlabEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import {
  componentEntity,
  engineOverMockServices,
  markedDeployment,
} from '../__testUtils__/engineFixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const TOKEN = 'glpat-requests-per-cycle';
const PROJECTS = 3;
const ENTITIES_PER_PROJECT = 5;
const TEN_MINUTES = 10 * 60_000;
const HOUR = 60 * 60_000;

let registry: StartedRegistry;
let gitlab: GitlabEmulator;
/** The clock of the engine, and of the emulators' rate limit windows. */
let clock = Date.now();

const manifest = (name: string, tag: string) =>
  markedDeployment(name, `${registry.host}/team/api:${tag}`, {
    container: 'app',
  });

beforeAll(async () => {
  [registry, gitlab] = await Promise.all([
    startRegistry(),
    // GitLab.com's limit: 2,000 API requests a minute per user.
    startGitlabEmulator({ tokens: [TOKEN], now: () => clock }),
  ]);
  await registry.pushTags('team/api', ['1.0.0', '1.1.0']);
});

afterAll(() => Promise.all([registry?.stop(), gitlab?.stop()]));

let projects = 0;

/** A fresh GitLab project of `count` manifests, one entity each. */
async function projectOn(on: GitlabEmulator, count: number) {
  const path = `acme/platform/deploy-${++projects}`;
  const files: Record<string, string> = {};
  const entities: Entity[] = [];
  const apps: string[] = [];
  for (let i = 0; i < count; i++) {
    const app = `gl-${projects}-app${i}`;
    apps.push(app);
    files[`apps/${app}.yaml`] = manifest(app, '1.0.0');
    entities.push(
      componentEntity(app, {
        'backstage.io/managed-by-location': `url:${on.baseUrl}/${path}/-/blob/main/catalog-info.yaml`,
        'image-automation/repo': `${on.baseUrl}/${path}`,
        'image-automation/image': `${registry.host}/team/api`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': `apps/${app}.yaml`,
        'image-automation/mode': 'observe',
      }),
    );
  }
  await on.createProject(path, { files });
  return { path, id: encodeURIComponent(path), entities, apps };
}

async function fleetOn(on: GitlabEmulator) {
  const fleet = [];
  for (let i = 0; i < PROJECTS; i++) {
    fleet.push(await projectOn(on, ENTITIES_PER_PROJECT));
  }
  return fleet;
}

/** The API requests since the last call (Git over HTTP is not API traffic), sorted. */
function traffic(on: GitlabEmulator = gitlab) {
  return on.requestLog
    .splice(0)
    .filter(e => e.path.startsWith('/api/'))
    .map(e => `${e.method} ${e.path}`.replace(/[0-9a-f]{40}/g, ':sha'))
    .sort();
}

/** Reading a project's head, every cycle: its default branch, the branch, the tree listing. */
const headRead = (id: string) => [
  `GET /api/v4/projects/${id}`,
  `GET /api/v4/projects/${id}/repository/branches/main`,
  `GET /api/v4/projects/${id}/repository/tree`,
];

describe.each(databases.eachSupportedId())(
  'GitLab requests per cycle on %p',
  databaseId => {
    async function engineOver(entities: Entity[], on: GitlabEmulator) {
      return engineOverMockServices({
        knex: await databases.init(databaseId),
        entities,
        config: {
          app: { baseUrl: 'http://backstage.example' },
          integrations: {
            gitlab: [
              {
                host: on.host,
                baseUrl: on.baseUrl,
                apiBaseUrl: on.apiBaseUrl,
                token: TOKEN,
              },
            ],
          },
          imageAutomation: {
            registries: [{ host: registry.host, insecure: true }],
          },
        },
        now: () => clock,
      });
    }

    it('costs a few requests per project, not one per entity', async () => {
      clock = Date.now();
      const fleet = await fleetOn(gitlab);
      const {
        engine,
        store,
        registry: client,
      } = await engineOver(
        fleet.flatMap(p => p.entities),
        gitlab,
      );
      traffic();
      try {
        await engine.runCycle();
        const first = traffic();
        console.log(
          `GitLab, first cycle: ${first.length} API requests for ${PROJECTS} projects of ${ENTITIES_PER_PROJECT} entities`,
          first,
        );
        // Per project: its default branch, the branch head, one page of the recursive tree, then
        // the manifests' sizes and their contents in one GraphQL query each.
        expect(first).toEqual(
          [
            ...fleet.flatMap(p => headRead(p.id)),
            ...Array(2 * PROJECTS).fill('POST /api/graphql'),
          ].sort(),
        );
        const images = await store.listImages();
        expect(images).toHaveLength(PROJECTS * ENTITIES_PER_PROJECT);
        expect(images.every(i => i.currentTag === '1.0.0')).toBe(true);

        // Nothing changed: the head is read again, the manifests come from the blob cache.
        clock += TEN_MINUTES;
        await engine.runCycle();
        const steady = traffic();
        console.log(
          `GitLab, steady cycle: ${steady.length} API requests for ${PROJECTS} projects`,
          steady,
        );
        expect(steady).toEqual(fleet.flatMap(p => headRead(p.id)).sort());

        // A person changes one manifest: only that file is read again, in the same two queries.
        const [changed] = fleet;
        await gitlab.commitFiles(
          changed.path,
          'main',
          {
            [`apps/${changed.apps[0]}.yaml`]: manifest(
              changed.apps[0],
              '1.1.0',
            ),
          },
          { message: 'bump app0' },
        );
        clock += TEN_MINUTES;
        await engine.runCycle();
        expect(traffic()).toEqual(
          [
            ...fleet.flatMap(p => headRead(p.id)),
            'POST /api/graphql',
            'POST /api/graphql',
          ].sort(),
        );
        const [bumped] = await store.listImages({
          entityRefs: [`component:default/${changed.apps[0]}`],
        });
        expect(bumped.currentTag).toBe('1.1.0');
      } finally {
        await client.close();
      }
    });

    it('shows a spent GitLab budget on every card with the reset time, asks GitLab nothing until then, and recovers after it', async () => {
      // A self-managed instance's default window, an hour, so that a cycle is due again before
      // the reset; the budget is spent by someone else using the same token.
      const limited = await startGitlabEmulator({
        tokens: [TOKEN],
        rateLimit: { limit: 50, periodSeconds: 3600 },
        now: () => clock,
      });
      try {
        const fleet = await fleetOn(limited);
        // Five minutes into an hour's window.
        clock = Math.floor(Date.now() / HOUR) * HOUR + 5 * 60_000;
        const resetAt = clock - 5 * 60_000 + HOUR;
        for (let i = 0; i < 50; i++) {
          await fetch(`${limited.apiBaseUrl}/projects/${fleet[0].id}`, {
            headers: { 'private-token': TOKEN },
          });
        }
        expect(limited.rateLimit(TOKEN).remaining).toBe(0);
        const {
          engine,
          store,
          registry: client,
        } = await engineOver(
          fleet.flatMap(p => p.entities),
          limited,
        );
        try {
          limited.requestLog.length = 0;
          await engine.runCycle();
          // Projects are read side by side: at most each project's first request was sent,
          // GitLab refused it, and nothing more was asked in that cycle.
          const refused = limited.requestLog.splice(0);
          console.log(
            `GitLab, cycle on a spent budget: ${refused.length} API requests for ${PROJECTS} projects`,
            refused.map(e => `${e.method} ${e.path} ${e.status}`),
          );
          expect(refused.length).toBeGreaterThanOrEqual(1);
          expect(refused.length).toBeLessThanOrEqual(PROJECTS);
          expect(refused.every(e => e.status === 429)).toBe(true);
          const images = await store.listImages();
          expect(images).toHaveLength(PROJECTS * ENTITIES_PER_PROJECT);
          for (const image of images) {
            expect(image).toMatchObject({
              state: 'error',
              errorKind: 'git-rate-limited',
              errorMessage: expect.stringMatching(
                /^GitLab rate limit reached, resumes at (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/,
              ),
            });
            expect(image.errorMessage).toContain(
              new Date(resetAt).toISOString().slice(11, 16),
            );
          }

          // Due again ten minutes later, still before the reset: GitLab is not asked.
          clock += TEN_MINUTES;
          await engine.runCycle();
          expect(limited.requestLog).toEqual([]);
          expect(
            (await store.listImages()).every(
              i => i.errorKind === 'git-rate-limited',
            ),
          ).toBe(true);

          // After the reset, reading resumes by itself.
          clock = resetAt + 60_000;
          await engine.runCycle();
          expect(traffic(limited)).toHaveLength(5 * PROJECTS);
          const recovered = await store.listImages();
          expect(recovered).toHaveLength(PROJECTS * ENTITIES_PER_PROJECT);
          for (const image of recovered) {
            expect(image).toMatchObject({
              currentTag: '1.0.0',
              errorKind: undefined,
            });
            expect(image.state).not.toBe('error');
          }
        } finally {
          await client.close();
        }
      } finally {
        await limited.stop();
      }
    });
  },
);
