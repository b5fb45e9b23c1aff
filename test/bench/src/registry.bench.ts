import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@image-automation/plugin-image-automation-node';
import {
  seedRegistryStorage,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { BARE_SCAN_CONCURRENCY, bareScan } from './support/bareScan';
import { Benchmark, BenchmarkFigures } from './types';

const REPOSITORIES = 1000;
const TAGS = 100;
async function clientScan(
  client: RegistryClient,
  host: string,
  repositories: string[],
) {
  let tags = 0;
  await Promise.all(
    repositories.map(async repository => {
      const list = await client.listTags({ registry: host, repository });
      tags += list.tags.length;
    }),
  );
  return tags;
}

/**
 * 1,000 repositories × 100 tags on a loopback registry 2.8: our client
 * against a bare fetch loop (no auth), then our client on token auth, where
 * the requests sent must be the minimum: the one challenge that reveals the
 * token service, one token per repository scope, one list per page.
 */
export const registryBenchmark: Benchmark = {
  name: 'registry',
  async run(): Promise<BenchmarkFigures> {
    const storage = mkdtempSync(join(tmpdir(), 'ia-bench-registry-'));
    const repositories = Array.from(
      { length: REPOSITORIES },
      (_, i) => `bench/app-${String(i).padStart(4, '0')}`,
    );
    const tags = Array.from(
      { length: TAGS },
      (_, i) => `1.${Math.floor(i / 10)}.${i % 10}`,
    );
    let seconds = Date.now();
    await seedRegistryStorage({ rootDir: storage, repositories, tags });
    const seedMs = Date.now() - seconds;
    const open = await startRegistry({ storageDir: storage });
    const guarded = await startRegistry({
      storageDir: storage,
      auth: 'token',
      users: { bench: 'bench-secret' },
    });
    try {
      // warm the registry's and the OS's caches so neither side pays for them
      await bareScan(open.url, repositories);

      // Alternate the two clients and keep each one's best run: the machine
      // is shared, and a single run mostly measures the neighbours.
      const entry = {
        type: 'generic' as const,
        insecure: true,
        tokenRealmHosts: [],
      };
      let bareMs = Infinity;
      let plainMs = Infinity;
      let bareTags = 0;
      let plainTags = 0;
      let plainRequests = 0;
      for (let round = 0; round < 2; round++) {
        seconds = Date.now();
        bareTags = await bareScan(open.url, repositories);
        bareMs = Math.min(bareMs, Date.now() - seconds);
        const plain = new RegistryClient({
          registries: [{ ...entry, host: open.host }],
        });
        seconds = Date.now();
        plainTags = await clientScan(plain, open.host, repositories);
        plainMs = Math.min(plainMs, Date.now() - seconds);
        plainRequests = plain.stats().requests;
        await plain.close();
      }

      const tokened = new RegistryClient({
        registries: [
          {
            ...entry,
            host: guarded.host,
            username: 'bench',
            password: 'bench-secret',
          },
        ],
      });
      seconds = Date.now();
      const tokenTags = await clientScan(tokened, guarded.host, repositories);
      const tokenMs = Date.now() - seconds;
      const tokenRequests = tokened.stats().requests;
      await tokened.close();

      const expectedTags = REPOSITORIES * TAGS;
      if (
        bareTags !== expectedTags ||
        plainTags !== expectedTags ||
        tokenTags !== expectedTags
      ) {
        throw new Error(
          `scans disagree: bare ${bareTags}, client ${plainTags}, token ${tokenTags}`,
        );
      }
      const minimum = 1 + REPOSITORIES + REPOSITORIES;
      const rssMb = process.resourceUsage().maxRSS / 1024;
      const figures = {
        registry_scan_1000_repos_ms: plainMs,
        registry_bare_client_ms: bareMs,
        registry_scan_vs_bare_ratio: Number((plainMs / bareMs).toFixed(2)),
        registry_scan_1000_repos_token_ms: tokenMs,
        registry_requests: tokenRequests,
        registry_requests_minimum: minimum,
        registry_requests_no_auth: plainRequests,
        registry_seed_ms: seedMs,
        registry_rss_mb: Math.round(rssMb),
      };
      const rows: Array<[string, string]> = [
        [
          'repositories × tags',
          `${REPOSITORIES} × ${TAGS} (concurrency ${BARE_SCAN_CONCURRENCY})`,
        ],
        ['seed storage on disk', `${seedMs} ms`],
        ['bare fetch loop, no auth', `${bareMs} ms`],
        [
          'RegistryClient, no auth',
          `${plainMs} ms (${figures.registry_scan_vs_bare_ratio}× bare, ${plainRequests} requests)`,
        ],
        ['RegistryClient, token auth', `${tokenMs} ms`],
        ['requests sent (token auth)', `${tokenRequests} (minimum ${minimum})`],
        ['peak RSS', `${figures.registry_rss_mb} MB`],
      ];
      for (const [name, value] of rows)
        process.stdout.write(`${name.padEnd(30)} ${value}\n`);
      return figures;
    } finally {
      await open.stop();
      await guarded.stop();
      rmSync(storage, { recursive: true, force: true });
    }
  },
};
