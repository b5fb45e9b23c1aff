/*
 * The demo portal in a real browser: builds the app (unless the build is
 * current), brings up the demo sandbox (scripts/demo/up.sh: registry and Git
 * server), starts the demo backend serving the app against it, signs in as
 * guest in Debian's Chromium, and checks the image automation card and
 * overview page. The screenshots land in test/e2e/artifacts/; the card's
 * also in the README.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

describe('the demo portal in Chromium', () => {
  let sandbox: DemoSandbox | undefined;
  let backend: DemoBackend | undefined;
  let browser: Browser | undefined;
  let page: Page;

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
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(UI_TIMEOUT);
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
    await card.getByRole('button', { name: 'Check now' }).waitFor();
    await card.screenshot({ path: join(artifacts, 'entity-card.png') });

    expect(refresh.status()).toBe(200);
    // The whole card text on failure says what the backend answered instead.
    const text = await card.innerText();
    expect(text).toContain(`${sandbox!.registryHost}/demo/web`);
    expect(text).toContain('semver ^1.0.0');
    // The README's screenshot changes only when someone asks for it.
    if (process.env.UPDATE_README_SCREENSHOT) {
      copyFileSync(
        join(artifacts, 'entity-card.png'),
        join(repoRoot, 'docs/images/entity-card.png'),
      );
    }
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
  }, 120_000);
});
