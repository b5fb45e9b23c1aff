import {
  GithubEmulator,
  StartedRegistry,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@internal/image-automation-test-harness';
import { HttpRelay, startHttpRelay } from '../support/httpRelay';
import { createTestDatabases, TestDatabases } from '../support/postgres';
import {
  billingEntity,
  containerManifest,
  cronJobManifest,
  OWNER,
  setterManifest,
  shorthandEntity,
  valuesManifest,
} from './fixtures';
import { ClusterConfig, Replica, startReplica } from './replicas';

/** The cycle's schedule in every replica: short, so scenarios take seconds. */
export const SCHEDULE = {
  frequencySeconds: 5,
  timeoutSeconds: 60,
  initialDelaySeconds: 2,
};

/**
 * Everything the whole-system suite runs against: two backend replicas on
 * one PostgreSQL, a registry, a second registry behind a relay (so it can be
 * stopped and restarted on the same address), and the GitHub emulator behind
 * a relay that tells the replicas apart by their tokens.
 */
export interface SystemUnderTest {
  repoRoot: string;
  /** The registry most entities use. */
  registry: StartedRegistry;
  /** The registry behind `registryRelay`, restarted by the outage scenario. */
  outageRegistry: StartedRegistry;
  outageStorageDir: string;
  registryRelay: HttpRelay;
  github: GithubEmulator;
  githubRelay: HttpRelay;
  databases: TestDatabases;
  replicas: Replica[];
  /** When both replicas answered. */
  upAt: number;
  /** Restarts the outage registry on its old storage and points the relay at it. */
  restartOutageRegistry(): Promise<void>;
  /** The files the crash scenario's repository starts with (created late, see the test). */
  crashFiles(): Record<string, string>;
}

/** Image repositories, all starting at 1.0.0; some already have a newer tag. */
const IMAGES: Record<string, string[]> = {
  'team/web': ['1.0.0', '0.9.0'],
  'team/worker': ['1.0.0'],
  'team/billing-api': ['1.0.0', '1.1.0'],
  'team/billing-jobs': ['1.0.0', '1.3.0', '2.0.0'],
  'team/flaky': ['1.0.0'],
  'team/crash': ['1.0.0', '1.1.0'],
};

export async function startSystem(
  repoRoot: string,
  track: (system: Partial<SystemUnderTest> & { workDir: string }) => void,
): Promise<SystemUnderTest> {
  const workDir = mkdtempSync(join(tmpdir(), 'ia-e2e-system-'));
  const outageStorageDir = join(workDir, 'outage-registry');
  // What has started so far, for afterAll to stop even when a later step fails.
  const partial: Partial<SystemUnderTest> & { workDir: string } = {
    workDir,
    outageStorageDir,
  };
  track(partial);

  partial.databases = await createTestDatabases();
  const [registry, outageRegistry, github] = await Promise.all([
    startRegistry(),
    startRegistry({ storageDir: outageStorageDir }),
    startGithubEmulator({ tokens: ['replica-a-token', 'replica-b-token'] }),
  ]);
  Object.assign(partial, { registry, outageRegistry, github });
  partial.registryRelay = await startHttpRelay(outageRegistry.url);
  partial.githubRelay = await startHttpRelay(github.apiBaseUrl);
  const registryRelay = partial.registryRelay;

  for (const [repository, tags] of Object.entries(IMAGES)) {
    await registry.pushTags(repository, tags);
  }
  await outageRegistry.pushTags('team/outage', ['1.0.0']);

  const main = (name: string) => `${registry.host}/team/${name}`;
  const outageImage = `${registryRelay.host}/team/outage`;
  await github.createRepository(OWNER, 'web', {
    files: {
      'deploy/web.yaml': setterManifest('web', main('web'), '1.0.0'),
      'README.md': '# web\n',
    },
  });
  await github.createRepository(OWNER, 'worker', {
    files: {
      'deploy/worker.yaml': containerManifest(
        'worker',
        main('worker'),
        '1.0.0',
      ),
    },
  });
  await github.createRepository(OWNER, 'billing', {
    files: {
      'deploy/values.yaml': valuesManifest(
        'billing-api',
        main('billing-api'),
        '1.0.0',
      ),
      'deploy/jobs.yaml': cronJobManifest(main('billing-jobs'), '1.0.0'),
    },
  });
  await github.createRepository(OWNER, 'outage', {
    files: {
      'deploy/outage.yaml': setterManifest('outage', outageImage, '1.0.0'),
    },
  });
  await github.createRepository(OWNER, 'flaky', {
    files: {
      'deploy/flaky.yaml': setterManifest('flaky', main('flaky'), '1.0.0'),
    },
  });
  // acme/crash is created by the crash scenario itself, at a moment it chooses.

  const catalogFile = join(workDir, 'catalog-info.yaml');
  writeFileSync(
    catalogFile,
    [
      shorthandEntity({
        name: 'web',
        image: main('web'),
        file: 'deploy/web.yaml',
      }),
      shorthandEntity({
        name: 'worker',
        image: main('worker'),
        file: 'deploy/worker.yaml',
        container: 'worker',
      }),
      billingEntity(main('billing-api'), main('billing-jobs')),
      shorthandEntity({
        name: 'outage',
        image: outageImage,
        file: 'deploy/outage.yaml',
      }),
      shorthandEntity({
        name: 'flaky',
        image: main('flaky'),
        file: 'deploy/flaky.yaml',
      }),
      shorthandEntity({
        name: 'crash',
        image: main('crash'),
        file: 'deploy/crash.yaml',
      }),
    ].join('---\n'),
  );

  const cluster: ClusterConfig = {
    repoRoot,
    workDir,
    database: {
      prefix: partial.databases.prefix,
      connection: partial.databases.connection,
    },
    catalogFile,
    registryHosts: [registry.host, registryRelay.host],
    githubApiBaseUrl: partial.githubRelay.url,
    schedule: SCHEDULE,
  };
  // One after the other, as a rolling deploy would: the first replica
  // creates the databases and runs every plugin's migrations.
  partial.replicas = [];
  for (const name of ['a', 'b']) {
    partial.replicas.push(
      await startReplica(cluster, {
        name,
        port: await freePort(),
        githubToken: `replica-${name}-token`,
      }),
    );
  }

  const system: SystemUnderTest = {
    ...(partial as SystemUnderTest),
    repoRoot,
    upAt: Date.now(),
    async restartOutageRegistry() {
      const restarted = await startRegistry({ storageDir: outageStorageDir });
      // Both records: the test reads `system`, afterAll stops `partial`.
      partial.outageRegistry = restarted;
      system.outageRegistry = restarted;
      registryRelay.setUpstream(restarted.url);
    },
    crashFiles: () => ({
      'deploy/crash.yaml': setterManifest('crash', main('crash'), '1.0.0'),
    }),
  };
  return system;
}

/** Where the replicas' logs are kept after a run, for diagnosis. */
export const LOG_DIR = join(tmpdir(), 'ia-e2e-system-logs');

/** A stop that hangs must not keep the rest from stopping. */
async function bounded(
  what: string,
  stop: Promise<unknown> | undefined,
  ms = 15_000,
) {
  if (!stop) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    stop.catch(error =>
      process.stderr.write(`stopping ${what} failed: ${error}\n`),
    ),
    new Promise<void>(resolveTimeout => {
      timer = setTimeout(() => {
        process.stderr.write(
          `stopping ${what} took over ${ms} ms; moving on\n`,
        );
        resolveTimeout();
      }, ms);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Stops whatever `startSystem` got to start, replicas first, and keeps their
 * logs in LOG_DIR; never throws. Services a scenario already stopped are
 * left alone (`stopped`).
 */
export async function stopSystem(
  system:
    | (Partial<SystemUnderTest> & {
        workDir: string;
        outageStorageDir?: string;
      })
    | undefined,
  stopped: ReadonlySet<unknown> = new Set(),
): Promise<void> {
  if (!system) return;
  for (const replica of system.replicas ?? []) replica.kill();
  await bounded(
    'the replicas',
    Promise.all((system.replicas ?? []).map(r => r.process.exited)),
  );
  mkdirSync(LOG_DIR, { recursive: true });
  for (const replica of system.replicas ?? []) {
    writeFileSync(
      join(LOG_DIR, `replica-${replica.name}.log`),
      replica
        .lines()
        .map(line => `${new Date(line.at).toISOString()} ${line.text}`)
        .join('\n'),
    );
  }
  const services = [
    ['the registry relay', system.registryRelay],
    ['the GitHub relay', system.githubRelay],
    ['the registry', system.registry],
    ['the outage registry', system.outageRegistry],
    ['the GitHub emulator', system.github],
  ] as const;
  await Promise.all(
    services
      .filter(([, service]) => service && !stopped.has(service))
      .map(([what, service]) => bounded(what, service!.stop())),
  );
  await bounded(
    'dropping the e2e databases',
    system.databases?.dropAll(),
    30_000,
  );
  rmSync(system.workDir, { recursive: true, force: true });
}
