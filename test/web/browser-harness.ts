import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import axe from 'axe-core';
import { createTestApp, type TestApp, type TestUser } from '../../src/testing/test-app.js';

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`; another with VIGIL_CHROMIUM) with
 * playwright-core against a real vigil server on loopback. Without a Chromium the tests are skipped, except in CI
 * (CI=true), where a missing browser is a failure.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export const browserSkip: string | undefined =
  fs.existsSync(CHROMIUM) || process.env['CI'] === 'true'
    ? undefined
    : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set VIGIL_CHROMIUM)`;

export interface ConsoleServer {
  readonly app: TestApp;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * vigil (SQLite) on a real loopback socket, serving the built console: dist/web (`npm test` builds it first), or
 * VIGIL_TEST_CONSOLE_DIR.
 */
export async function startConsoleServer(): Promise<ConsoleServer> {
  const consoleDir = process.env['VIGIL_TEST_CONSOLE_DIR'];
  const app = await createTestApp('sqlite', consoleDir ? { consoleDir } : {});
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  assert.ok(address && typeof address === 'object');
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** Chromium as the machine allows it: no sandbox (root), no GPU, no calls home, a fresh profile (playwright's). */
export async function launchBrowser(): Promise<Browser> {
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const outsideRequests = new WeakMap<BrowserContext, string[]>();

/** The console loads everything (scripts, styles, fonts) from vigil itself: no CDN, no call home. */
export function assertNoOutsideRequests(context: BrowserContext): void {
  assert.deepEqual(outsideRequests.get(context), [], 'requests to hosts other than vigil');
}

/** A browser profile of its own (cookies, clipboard permission) for one person, at a desktop size. */
export async function newContext(browser: Browser, url: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  context.setDefaultTimeout(10_000);
  const elsewhere: string[] = [];
  outsideRequests.set(context, elsewhere);
  context.on('request', (request) => {
    if (!request.url().startsWith(`${url}/`) && !/^(data|blob):/.test(request.url())) elsewhere.push(request.url());
  });
  // A script error in the page fails the test that caused it, with the page's message.
  context.on('weberror', (error) => {
    throw new Error(`error in the console page: ${error.error().message}`);
  });
  return context;
}

/** Opens the console and signs in through the form, landing on the first page. */
export async function signIn(page: Page, url: string, user: Pick<TestUser, 'email' | 'password'>): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
}

/** Runs axe-core on the page as it is now and fails with each violation's rule, impact and elements. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  // Carbon fades dialogs and buttons in and out: colours half-way through a transition fail the contrast rule, so
  // axe runs once every running animation and transition has finished.
  await page.evaluate(async () => {
    const doc = (globalThis as unknown as { document: { getAnimations(): { finished: Promise<unknown> }[] } }).document;
    await Promise.allSettled(doc.getAnimations().map((animation) => animation.finished));
  });
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline scripts) stays in force.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    // Runs in the page: its globals, typed here by hand (the tests are compiled without the DOM library).
    const page = globalThis as unknown as { axe: typeof axe; document: axe.ElementContext };
    const result = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5),
    }));
  });
  assert.deepEqual(violations, [], `accessibility violations on ${what}:\n${JSON.stringify(violations, null, 2)}`);
}

/** Saves the page as docs/screenshots/<name>.png (shown in the README). */
export async function screenshot(page: Page, name: string, options: { hide?: Locator[] } = {}): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // `hide`: secrets on the page (a new key's value) are painted over, so that no credential is ever in a picture.
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: false,
    mask: options.hide ?? [],
    maskColor: '#c6c6c6',
  });
}

/** What the page's clipboard holds (the context has clipboard permission). */
export function clipboardOf(page: Page): Promise<string> {
  return page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
}

/** The console session cookie of a browser context, as a Cookie header. */
export async function sessionCookieOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((candidate) => candidate.name === 'vigil_session');
  assert.ok(cookie, 'no vigil_session cookie in the browser');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  return `vigil_session=${cookie.value}`;
}
