import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OWNER } from './fixtures';
import {
  BackendProcess,
  LogLine,
  spawnBackend,
  waitUntilReady,
} from '../support/backendProcess';
import {
  guestToken,
  ImageAutomationApi,
  imageAutomationApi,
} from '../support/imageAutomationApi';

/** What every replica shares: the database, the catalog, the registries, GitHub. */
export interface ClusterConfig {
  repoRoot: string;
  workDir: string;
  database: {
    prefix: string;
    connection: { host: string; port: number; user: string };
  };
  catalogFile: string;
  /** Registry hosts the plugin may contact (plain HTTP on loopback). */
  registryHosts: string[];
  githubApiBaseUrl: string;
  /** `imageAutomation.schedule`, as YAML flow mappings. */
  schedule: {
    frequencySeconds: number;
    timeoutSeconds: number;
    initialDelaySeconds: number;
  };
}

/**
 * One backend replica: packages/backend on its own port with its own GitHub
 * token (so the GitHub relay can tell replicas apart), restartable on the
 * same port and config after a kill.
 */
export interface Replica {
  readonly name: string;
  readonly port: number;
  readonly githubToken: string;
  readonly baseUrl: string;
  /** The running process (the newest one after a restart). */
  readonly process: BackendProcess;
  /** Log lines of every process this replica ran, killed ones included. */
  lines(): LogLine[];
  api(): ImageAutomationApi;
  /** Milliseconds the last start took until the API and guest sign-in answered. */
  readonly startupMs: number;
  restart(): Promise<void>;
  kill(): void;
}

const STARTUP_TIMEOUT_MS = 240_000;

function replicaConfig(
  cluster: ClusterConfig,
  port: number,
  githubToken: string,
): string {
  const origin = `http://localhost:${port}`;
  const { database, schedule } = cluster;
  return `app:
  baseUrl: ${origin}
backend:
  baseUrl: ${origin}
  listen: { port: ${port}, host: 127.0.0.1 }
  cors:
    origin: ${origin}
  database:
    client: pg
    prefix: ${database.prefix}
    connection:
      host: ${database.connection.host}
      port: ${database.connection.port}
      user: ${database.connection.user}
integrations:
  github:
    - host: github.com
      apiBaseUrl: ${cluster.githubApiBaseUrl}
      token: ${githubToken}
catalog:
  rules:
    - allow: [Component, System, API, Resource, Location, User, Group]
  locations:
    - type: file
      target: ${cluster.catalogFile}
    - type: file
      target: ${join(cluster.repoRoot, 'examples/org.yaml')}
imageAutomation:
  schedule:
    frequency: { seconds: ${schedule.frequencySeconds} }
    timeout: { seconds: ${schedule.timeoutSeconds} }
    initialDelay: { seconds: ${schedule.initialDelaySeconds} }
  registries:
${cluster.registryHosts
  .map(host => `    - host: "${host}"\n      insecure: true`)
  .join('\n')}
  git:
    labels: [dependencies]
    # The entities are registered from a file, not from the repositories
    # they name: the operator allows those.
    allowedRepositories: ['github.com/${OWNER}/*']
`;
}

export async function startReplica(
  cluster: ClusterConfig,
  options: { name: string; port: number; githubToken: string },
): Promise<Replica> {
  const { name, port, githubToken } = options;
  const configFile = join(cluster.workDir, `app-config.${name}.yaml`);
  writeFileSync(configFile, replicaConfig(cluster, port, githubToken));
  const baseUrl = `http://127.0.0.1:${port}`;
  const previousLines: LogLine[] = [];
  let current: BackendProcess;
  let api: ImageAutomationApi;
  let startupMs = 0;

  const start = async () => {
    const started = Date.now();
    // The repository's app-config.yaml first, as `yarn start` reads it; ours
    // replaces its database, catalog locations and integrations.
    current = spawnBackend({
      repoRoot: cluster.repoRoot,
      configFiles: [join(cluster.repoRoot, 'app-config.yaml'), configFile],
    });
    try {
      await waitUntilReady(
        current,
        // Readiness, not the plugin's /health: plugin routes answer before
        // the catalog has started, and the catalog is what the API reads.
        async () =>
          (
            await fetch(`${baseUrl}/.backstage/health/v1/readiness`)
          ).ok,
        {
          timeoutMs: STARTUP_TIMEOUT_MS,
          what: `be ready (${baseUrl}/.backstage/health/v1/readiness)`,
        },
      );
      api = imageAutomationApi(baseUrl, await guestToken(baseUrl));
    } catch (error) {
      current.kill();
      throw error;
    }
    startupMs = Date.now() - started;
  };
  await start();

  return {
    name,
    port,
    githubToken,
    baseUrl,
    get process() {
      return current;
    },
    get startupMs() {
      return startupMs;
    },
    lines: () => [...previousLines, ...current.lines()],
    api: () => api,
    async restart() {
      current.kill();
      await current.exited;
      previousLines.push(...current.lines());
      await start();
    },
    kill: () => current.kill(),
  };
}

/** `Image automation cycle: … N ms` lines: when each cycle ended and how long it ran. */
export function cyclesOf(
  replica: Replica,
): Array<{ replica: string; start: number; end: number }> {
  return replica
    .lines()
    .map(line => ({
      line,
      match: /Image automation cycle: .*?(\d+) ms/.exec(line.text),
    }))
    .filter(({ match }) => match)
    .map(({ line, match }) => ({
      replica: replica.name,
      start: line.at - Number(match![1]),
      end: line.at,
    }));
}
