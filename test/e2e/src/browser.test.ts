/*
 * The demo portal in a real browser: builds the app (unless the build is
 * current), brings up the demo sandbox (scripts/demo/up.sh: registry and Git
 * server), starts the demo backend serving the app against it, signs in as
 * guest in Debian's Chromium, and checks the image automation card and
 * overview page. The screenshots land in test/e2e/artifacts/; the card's
 * also in the README.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AxeResults } from 'axe-core';
import { Browser, chromium, Page } from 'playwright-core';
import { ensureAppBuild } from './appBuild';
import { DemoBackend, startDemoBackend } from './demoBackend';
import { DemoSandbox, startDemoSandbox } from './demo/sandbox';
import { freePort } from '@internal/image-automation-test-harness';

const repoRoot = resolve(__dirname, '../../..');
const artifacts = resolve(__dirname, '../artifacts');
const CHROMIUM = '/usr/bin/chromium';
/** Every wait on the page; the 2-core machine renders slowly under load. */
const UI_TIMEOUT = 60_000;
/** Viewport widths at which the entity page gives the card its md=6 slot narrow, and wide. */
const NARROW_VIEWPORT = { width: 1400, height: 1000 };
const WIDE_VIEWPORT = { width: 2200, height: 1000 };

/**
 * The accessibility violations axe rates serious or critical inside
 * `selector`. axe-core runs in the page, evaluated from its own file: its
 * Node entry point expects a DOM and cannot load under Jest, and the app's
 * Content Security Policy rightly refuses an injected script tag.
 */
async function seriousViolations(page: Page, selector: string) {
  await page.evaluate(
    readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'),
  );
  const results: AxeResults = await page.evaluate(
    scope => (window as any).axe.run(scope),
    selector,
  );
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id}: ${v.help} (${v.nodes
          .map(n => `${n.html.slice(0, 160)}: ${n.failureSummary}`)
          .join('; ')})`,
    );
}

/** Copies a screenshot over the README's when someone asks for it. */
function updateReadmeScreenshot(name: string) {
  if (process.env.UPDATE_README_SCREENSHOT) {
    copyFileSync(join(artifacts, name), join(repoRoot, 'docs/images', name));
  }
}

describe('the demo portal in Chromium', () => {
  let sandbox: DemoSandbox | undefined;
  let backend: DemoBackend | undefined;
  let browser: Browser | undefined;
  let page: Page;
  /** Everything the app logged as an error, or threw, while the tests ran. */
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    const buildMs = ensureAppBuild(repoRoot);
    const port = await freePort();
    sandbox = startDemoSandbox({ repoRoot, backendPort: port, appPort: port });
    backend = await startDemoBackend({
      repoRoot,
      port,
      timeoutMs: 180_000,
      configFiles: [sandbox.configFile],
    });
    // Figures for the test log: the app build and backend start dominate.
    process.stdout.write(
      `e2e: app build ${
        buildMs ? `${(buildMs / 1000).toFixed(1)} s` : 'reused'
      }, backend start ${(backend.startupMs / 1000).toFixed(1)} s\n`,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    });
    page = await browser.newPage({ viewport: NARROW_VIEWPORT });
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('console', message => {
      if (message.type() === 'error') {
        consoleErrors.push(`${message.text()} (${message.location().url})`);
      }
    });
    page.on('pageerror', error => consoleErrors.push(error.message));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    backend?.stop();
    sandbox?.stop();
  });

  it('signs in as guest', async () => {
    await page.goto(backend!.origin);
    await page.getByRole('button', { name: 'Enter' }).click();
    const overviewLink = page.getByRole('link', { name: 'Image automation' });
    await overviewLink.waitFor();
    expect(await overviewLink.getAttribute('href')).toBe('/image-automation');
  }, 120_000);

  it('shows the card on an annotated entity and checks now', async () => {
    // The overview lists the entity once the first cycle has checked it;
    // before that the card would show its waiting state.
    const checked = page
      .getByRole('table', { name: 'Automated entities' })
      .getByRole('link', { name: 'web-frontend' });
    for (let attempt = 0; attempt < 45; attempt++) {
      await page.goto(`${backend!.origin}/image-automation?owner=all`);
      await page.getByRole('table', { name: 'Automated entities' }).waitFor();
      await page.waitForLoadState('networkidle');
      if (await checked.count()) break;
      await page.waitForTimeout(2000);
    }
    await checked.waitFor();
    await page.goto(
      `${backend!.origin}/catalog/default/component/web-frontend`,
    );
    const card = page.locator('.MuiCard-root', {
      has: page.getByText('Image automation', { exact: true }),
    });
    await card.waitFor();
    const checkNow = card.getByRole('button', { name: 'Check now' });
    await checkNow.waitFor();

    const refreshed = page.waitForResponse(
      response =>
        response.request().method() === 'POST' &&
        response
          .url()
          .endsWith(
            '/api/image-automation/entities/component/default/web-frontend/refresh',
          ),
    );
    await checkNow.click();
    const refresh = await refreshed;
    // The outcome, in the alert the app shows.
    const outcome = page
      .getByText(/^(Checked|Check of) component:default\/web-frontend/)
      .first();
    await outcome.waitFor();
    // The alert is transient: the screenshots show the card without it.
    await outcome.waitFor({ state: 'hidden', timeout: 30_000 });
    await card.getByRole('button', { name: 'Check now' }).waitFor();
    expect(refresh.status()).toBe(200);

    // At md=6 one row per image, details on expand.
    await card
      .getByRole('button', { name: /^Details of / })
      .first()
      .click();
    await card.screenshot({ path: join(artifacts, 'entity-card.png') });
    // The whole card text on failure says what the backend answered instead.
    const text = await card.innerText();
    expect(text).toContain(`${sandbox!.registryHost}/demo/web`);
    expect(text).toContain('semver ^1.0.0');
    // What the README's screenshot shows: the demo's real state, no error.
    expect(text).toContain('Updates pushed to a branch of their own');
    expect(text).toContain('1.0.0 → 1.2.1');
    expect(text).toContain('Update available');
    // The change written: the entity's own branch and the commit on it.
    expect(text).toMatch(/branch image-automation\/\S+ at [0-9a-f]{7}\b/);
    expect(text).not.toMatch(/error|need fixing/i);
    updateReadmeScreenshot('entity-card.png');
    expect(await seriousViolations(page, '.image-automation-card')).toEqual([]);

    // Wide: a column per detail.
    await page.setViewportSize(WIDE_VIEWPORT);
    await card.getByRole('columnheader', { name: 'Latest allowed' }).waitFor();
    await card.screenshot({ path: join(artifacts, 'entity-card-wide.png') });
    updateReadmeScreenshot('entity-card-wide.png');
    await page.setViewportSize(NARROW_VIEWPORT);

    // The timeline opens under the images.
    await card.getByRole('button', { name: 'Show history' }).click();
    await card
      .getByRole('list', { name: 'History' })
      .or(card.getByText(/Nothing has happened yet/))
      .waitFor();
    expect(await seriousViolations(page, '.image-automation-card')).toEqual([]);
  }, 180_000);

  it("shows the broken entity's error in plain words, with an example", async () => {
    await page.goto(`${backend!.origin}/catalog/default/component/inventory`);
    const card = page.locator('.MuiCard-root', {
      has: page.getByText('Image automation', { exact: true }),
    });
    await card.getByText('unknown policy kind', { exact: false }).waitFor();
    const text = await card.innerText();
    expect(text).toContain('image-automation/policy');
    expect(text).toContain(
      'unknown policy kind "semvar" (did you mean "semver"?)',
    );
    expect(text).toContain('image-automation/policy: "semver: >=1.4.0 <2.0.0"');
    await card.screenshot({ path: join(artifacts, 'broken-entity-card.png') });
  }, 120_000);

  it('shows no card on an entity without annotations', async () => {
    await page.goto(`${backend!.origin}/catalog/default/component/docs-site`);
    await page
      .getByText('A component without image automation annotations')
      .waitFor();
    const card = page.locator('.MuiCard-root', {
      has: page.getByText('Image automation', { exact: true }),
    });
    expect(await card.count()).toBe(0);
  }, 120_000);

  it('opens the overview page from the sidebar', async () => {
    await page.getByRole('link', { name: 'Image automation' }).click();
    await page.waitForURL(`${backend!.origin}/image-automation`);
    await page.getByLabel('Owner').waitFor();
    await page
      .getByText(/How far behind|Error: /)
      .first()
      .waitFor();
    expect(await page.getByLabel('State', { exact: true }).inputValue()).toBe(
      '',
    );
    await page.screenshot({
      path: join(artifacts, 'overview.png'),
      fullPage: true,
    });
    updateReadmeScreenshot('overview.png');
    expect(await seriousViolations(page, '.image-automation-overview')).toEqual(
      [],
    );
  }, 120_000);

  it('keeps the filters in the URL, so a view can be shared', async () => {
    await page.getByLabel('Owner').selectOption('all');
    await page.waitForURL(/\?owner=all$/);
    await page.goto(
      `${backend!.origin}/image-automation?owner=all&sort=behind&order=desc`,
    );
    await page.getByRole('table', { name: 'Automated entities' }).waitFor();
    expect(await page.getByLabel('Owner').inputValue()).toBe('all');
  }, 120_000);

  it('logged no error in the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
