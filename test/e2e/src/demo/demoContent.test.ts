/*
 * The demo's content without its services: the demo catalog, rendered as the
 * sandbox renders it, has exactly the one problem it is meant to show; the
 * manifests' setter markers name the images the catalog defines.
 */
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { runImageAutomationCli } from '../hostile/__testUtils__/cli';

const repoRoot = resolve(__dirname, '../../../..');
const demo = join(repoRoot, 'examples/demo');
const REGISTRY = '127.0.0.1:5000';
const GIT = 'ssh://demo@127.0.0.1:2222/srv/git/demo.git';

/** What scripts/demo/up.sh does to the templates. */
const render = (text: string) =>
  text.replaceAll('${DEMO_REGISTRY}', REGISTRY).replaceAll('${DEMO_GIT}', GIT);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)));
}

describe('the demo content', () => {
  let work: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'ia-demo-content-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('has exactly one problem in its catalog: the deliberately broken policy', async () => {
    const catalog = join(work, 'entities.yaml');
    await writeFile(
      catalog,
      render(await readFile(join(demo, 'entities.yaml'), 'utf8')),
    );
    const result = await runImageAutomationCli(['lint', catalog], {
      cwd: work,
    });
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^.*entities\.yaml: image-automation\/policy: Invalid policy "semvar: \^1\.0": unknown policy kind "semvar" \(did you mean "semver"\?\).*\[component:default\/inventory\]$/,
      ),
      '6 entities checked, 1 problem in 1 entity',
    ]);
    expect(result.code).toBe(1);
  });

  it('has setter markers for every image the catalog names by policy', async () => {
    for (const file of await filesUnder(join(demo, 'repo'))) {
      await mkdir(dirname(join(work, file)), { recursive: true });
      await writeFile(
        join(work, file),
        render(await readFile(join(demo, 'repo', file), 'utf8')),
      );
    }
    const images = {
      'web-frontend': `${REGISTRY}/demo/web:1.2.1`,
      'payments-api': `${REGISTRY}/demo/payments:1.4.2`,
      cache: `${REGISTRY}/demo/cache:7.2.4`,
      'checkout-api': `${REGISTRY}/demo/checkout-api:2.3.1`,
      'checkout-worker': `${REGISTRY}/demo/checkout-worker:main-1730200000`,
      inventory: `${REGISTRY}/demo/inventory:1.1.0`,
    };
    const result = await runImageAutomationCli(
      ['apply', '--dir', work, '--json', '--images', JSON.stringify(images)],
      { cwd: work },
    );
    expect(result.code).toBe(0);
    const changes = JSON.parse(result.stdout) as Array<{
      file: string;
      policy: string;
      new: string;
    }>;
    expect(
      changes.map(change => [change.policy, change.file, change.new]).sort(),
    ).toEqual(
      [
        ['cache', 'deploy/cache/statefulset.yaml', images.cache],
        [
          'checkout-api',
          'deploy/checkout/deployment.yaml',
          images['checkout-api'],
        ],
        [
          'checkout-worker',
          'deploy/checkout/worker-values.yaml',
          'main-1730200000',
        ],
        ['inventory', 'deploy/inventory/deployment.yaml', images.inventory],
        [
          'payments-api',
          'deploy/payments/deployment.yaml',
          images['payments-api'],
        ],
        ['web-frontend', 'deploy/web/deployment.yaml', images['web-frontend']],
      ].sort(),
    );
    // search has no marker: its entity names the container instead.
    expect(
      await readFile(join(work, 'deploy/search/deployment.yaml'), 'utf8'),
    ).toContain(`image: ${REGISTRY}/demo/search:1.0.0\n`);
  });
});
