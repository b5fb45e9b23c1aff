/*
 * Runs the GitHub emulator in its own process for the benchmarks, so the
 * engine's process is measured alone (RSS, CPU), the way a backend talks to
 * GitHub over the network. Driven over IPC by githubEmulatorProcess.ts.
 */
import {
  GithubEmulator,
  startGithubEmulator,
} from '@internal/image-automation-test-harness';
import {
  EmulatorReply,
  EmulatorRequest,
  GithubTraffic,
} from './githubEmulatorProtocol';

/** Repositories created at the same time: each file is a `git hash-object`. */
const CREATE_CONCURRENCY = 4;

let emulator: GithubEmulator | undefined;

function reply(message: EmulatorReply) {
  process.send!(message);
}

async function handle(message: EmulatorRequest) {
  switch (message.type) {
    case 'start': {
      emulator = await startGithubEmulator({ tokens: message.tokens });
      const queue = [...message.repositories];
      await Promise.all(
        Array.from({ length: CREATE_CONCURRENCY }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            await emulator!.createRepository(next.owner, next.name, {
              files: next.files,
            });
          }
        }),
      );
      emulator.requestLog.length = 0;
      reply({ type: 'ready', apiBaseUrl: emulator.apiBaseUrl });
      return;
    }
    case 'requests': {
      const traffic: GithubTraffic = {
        byRoute: {},
        requests: 0,
        notModified: 0,
        coreCharged: 0,
        graphqlPoints: 0,
        rateLimited: 0,
      };
      for (const entry of emulator?.requestLog ?? []) {
        // /repos/acme/deploy-07/git/blobs/<sha> → GET /repos/:owner/:repo/git/blobs/:sha
        const route = `${entry.method} ${entry.path
          .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/:owner/:repo')
          .replace(/^\/_codeload\/[^/]+\/[^/]+/, '/_codeload/:owner/:repo')
          .replace(/\/[0-9a-f]{40}$/, '/:sha')
          .replace(/\/heads\/.*$/, '/heads/:branch')}`;
        traffic.byRoute[route] = (traffic.byRoute[route] ?? 0) + 1;
        traffic.requests++;
        if (entry.status === 304) traffic.notModified++;
        if (entry.resource === 'core') traffic.coreCharged += entry.cost;
        if (entry.resource === 'graphql') traffic.graphqlPoints += entry.cost;
        if (entry.status === 403 || entry.status === 429) traffic.rateLimited++;
      }
      const cpu = process.cpuUsage();
      reply({
        type: 'requests',
        ...traffic,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
      if (emulator) emulator.requestLog.length = 0;
      return;
    }
    case 'stop':
      await emulator?.stop();
      emulator = undefined;
      reply({ type: 'stopped' });
      process.disconnect?.();
      return;
    default:
      throw new Error(`unknown request ${JSON.stringify(message)}`);
  }
}

process.on('message', (message: EmulatorRequest) => {
  handle(message).catch(error =>
    reply({ type: 'error', message: String(error?.stack ?? error) }),
  );
});
// The parent died or let go: never outlive it.
process.on('disconnect', () => {
  void emulator?.stop().finally(() => process.exit(0));
  if (!emulator) process.exit(0);
});
