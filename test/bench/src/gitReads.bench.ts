import { performance } from 'node:perf_hooks';
import { Octokit } from '@octokit/rest';
// Benchmarks run from source: the reads module is not part of the package's
// public API, and the benchmark measures it alone.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports
import { GithubReads } from '@image-automation/plugin-image-automation-backend/src/scm/github/reads';
import {
  GithubEmulator,
  startGithubEmulator,
} from '@internal/image-automation-test-harness';
import { printTable } from './support/figures';
import { FLEET, gitRepositories } from './support/fleet';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports
import { readTarball } from '@image-automation/plugin-image-automation-backend/src/scm/github/reads/tarball';
import { Benchmark, BenchmarkFigures } from './types';

const TOKEN = 'bench-git-reads';
/** Repositories read: enough to see the cost per repository; the cycle benchmark has all 50. */
const REPOSITORIES = 10;

interface StrategyFigures {
  /** HTTP requests, codeload downloads included. */
  requests: number;
  /** What GitHub's primary rate limits charged: REST requests plus GraphQL points. */
  charged: number;
  kb: number;
  ms: number;
  files: number;
}

function traffic(emulator: GithubEmulator, started: number, files: number) {
  const log = emulator.requestLog.splice(0);
  return {
    requests: log.length,
    charged: log.reduce((sum, e) => sum + e.cost, 0),
    kb: Math.round(log.reduce((sum, e) => sum + (e.bytes ?? 0), 0) / 1024),
    ms: Math.round(performance.now() - started),
    files,
  };
}

/**
 * The two ways the issue names to read every manifest of a repository at a
 * base commit, each from cold caches: GraphQL (the heads of all repositories
 * in one call, one recursive listing per repository, blobs a hundred per
 * call), and the tarball of the commit (one API request per repository, then
 * the download from codeload, which GitHub does not count).
 */
export const gitReadsBenchmark: Benchmark = {
  name: 'git-reads',
  async run(): Promise<BenchmarkFigures> {
    const emulator = await startGithubEmulator({ tokens: [TOKEN] });
    try {
      const seeds = gitRepositories('registry.bench:5000').slice(
        0,
        REPOSITORIES,
      );
      for (const seed of seeds) {
        await emulator.createRepository(seed.owner, seed.name, {
          files: seed.files,
        });
      }
      const octokit = new Octokit({
        baseUrl: emulator.apiBaseUrl,
        auth: TOKEN,
      });
      emulator.requestLog.length = 0;

      const readAll = (reads: GithubReads) =>
        Promise.all(
          seeds.map(async seed => {
            const target = {
              octokit,
              owner: seed.owner,
              repo: seed.name,
              displayName: `${seed.owner}/${seed.name}`,
            };
            const head = (await reads.openBranch(target))!;
            const { files } = await reads.readFiles(
              target,
              head,
              Object.keys(seed.files),
            );
            return files.size;
          }),
        );
      const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

      let started = performance.now();
      const graphqlFiles = await readAll(new GithubReads({ tarballMaxKb: 0 }));
      const graphql: StrategyFigures = traffic(
        emulator,
        started,
        sum(graphqlFiles),
      );

      started = performance.now();
      const defaultFiles = await readAll(new GithubReads());
      const chosen: StrategyFigures = traffic(
        emulator,
        started,
        sum(defaultFiles),
      );

      started = performance.now();
      const tarballFiles = await Promise.all(
        seeds.map(async seed => {
          // Octokit follows the redirect to codeload, as a client of GitHub would.
          const response = await octokit.repos.downloadTarballArchive({
            owner: seed.owner,
            repo: seed.name,
            ref: 'main',
          });
          const { commit, files } = await readTarball(
            Buffer.from(response.data as ArrayBuffer),
            { maxBytes: 64 * 1024 * 1024, keep: path => path in seed.files },
          );
          if (!commit)
            throw new Error(`no commit id in the tarball of ${seed.name}`);
          return files.filter(f => f.path in seed.files).length;
        }),
      );
      const tarball: StrategyFigures = traffic(
        emulator,
        started,
        tarballFiles.reduce((a, b) => a + b, 0),
      );

      const row = (name: string, f: StrategyFigures) => [
        name,
        String(f.requests),
        String(f.charged),
        `${f.kb} KB`,
        `${f.ms} ms`,
        String(f.files),
      ];
      process.stdout.write(
        `${REPOSITORIES} repositories × ${FLEET.filesPerGitRepository} manifests, cold caches:\n`,
      );
      printTable([
        ['strategy', 'requests', 'charged', 'received', 'wall', 'files'],
        row('GraphQL heads + tree + blob batches', graphql),
        row('tarball (API redirect + codeload)', tarball),
        row('GithubReads default (tarball up to 4 MB on disk)', chosen),
      ]);
      return {
        git_reads_graphql_requests_per_repo: graphql.requests / REPOSITORIES,
        git_reads_graphql_charged_per_repo: graphql.charged / REPOSITORIES,
        git_reads_graphql_kb_per_repo: Math.round(graphql.kb / REPOSITORIES),
        git_reads_graphql_ms: graphql.ms,
        git_reads_tarball_requests_per_repo: tarball.requests / REPOSITORIES,
        git_reads_tarball_charged_per_repo: tarball.charged / REPOSITORIES,
        git_reads_tarball_kb_per_repo: Math.round(tarball.kb / REPOSITORIES),
        git_reads_tarball_ms: tarball.ms,
        git_reads_default_charged_per_repo: chosen.charged / REPOSITORIES,
      };
    } finally {
      await emulator.stop();
    }
  },
};
