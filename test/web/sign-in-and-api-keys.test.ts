import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  assertAccessible,
  assertNoOutsideRequests,
  browserSkip,
  clipboardOf,
  launchBrowser,
  startConsoleServer,
  type ConsoleServer,
  newContext,
  screenshot,
  sessionCookieOf,
  signIn,
} from './browser-harness.js';

describe('console: sign-in, API keys, sign-out', { skip: browserSkip }, () => {
  let server: ConsoleServer;
  let browser: Browser;

  before(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a wrong password is refused on the form; the right one opens the console', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await page.goto(`${server.url}/iam/apikeys`);
    await page.getByRole('heading', { name: 'Log in to vigil' }).waitFor();
    await assertAccessible(page, 'the sign-in page');
    await page.getByLabel('Email').fill(server.app.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(`${server.app.admin.password}-wrong`);
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Sign-in failed' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /Sign-in failed\s+.+\(HTTP 4\d\d\)/);
    assert.deepEqual(
      (await context.cookies()).filter((cookie) => cookie.name === 'vigil_session'),
      [],
      'no session cookie after a failed sign-in',
    );
    await screenshot(page, 'sign-in');

    await page.getByLabel('Password', { exact: true }).fill(server.app.admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/iam/apikeys');
    await page.getByText('No API keys yet').waitFor();
    await assertAccessible(page, 'API keys (empty)');
    await page.evaluate(
      () => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready,
    );
    assertNoOutsideRequests(context);
    await context.close();
  });

  test('create an API key, copy it, and use it at /identity/token; then lock, unlock and delete it', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, server.app.admin);

    await page.getByRole('button', { name: 'Create' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('deploy-script');
    await dialog.getByLabel('Description (optional)').fill('used by CI');
    await assertAccessible(page, 'the create API key dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'API key successfully created' }).waitFor();
    const shown = await page.getByLabel('API key "deploy-script"').inputValue();
    assert.match(shown, /^vigil_ak_/);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await clipboardOf(page), shown);
    await assertAccessible(page, 'the created API key dialog');
    await screenshot(page, 'api-key-created', { hide: [page.getByLabel('API key "deploy-script"')] });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'apikey.json');
    const saved = JSON.parse(await streamText(await file.createReadStream())) as Record<string, string>;
    assert.deepEqual(Object.keys(saved), ['name', 'description', 'apikey', 'createdAt']);
    assert.equal(saved['name'], 'deploy-script');
    assert.equal(saved['description'], 'used by CI');
    assert.equal(saved['apikey'], shown);

    // The copied key works as IBM's scripts use it.
    const grant = await fetch(`${server.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: shown }),
    });
    assert.equal(grant.status, 200);
    const token = (await grant.json()) as { access_token: string; token_type: string };
    assert.equal(token.token_type, 'Bearer');
    const me = await fetch(`${server.url}/v1/users/me`, { headers: { authorization: `Bearer ${token.access_token}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, server.app.admin.email);

    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tr', { hasText: 'deploy-script' });
    await row.waitFor();
    assert.match(await row.innerText(), /used by CI/);
    assert.match(await row.innerText(), /Active/);
    assert.doesNotMatch(await page.locator('main').innerText(), /vigil_ak_/, 'the key is never shown again');
    await assertAccessible(page, 'API keys (one key)');
    await screenshot(page, 'api-keys');

    await row.getByRole('button', { name: 'Actions for deploy-script' }).click();
    await page.getByRole('menuitem', { name: 'Lock' }).click();
    await row.getByText('Locked').waitFor();
    await row.getByRole('button', { name: 'Actions for deploy-script' }).click();
    assert.equal(
      await page.getByRole('menuitem', { name: 'Delete' }).isDisabled(),
      true,
      'a locked key cannot be deleted',
    );
    await page.getByRole('menuitem', { name: 'Unlock' }).click();
    await row.getByText('Active').waitFor();

    await row.getByRole('button', { name: 'Actions for deploy-script' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: /Delete API key "deploy-script"/ });
    await confirm.waitFor();
    await assertAccessible(page, 'the delete confirmation');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No API keys yet').waitFor();
    const refused = await fetch(`${server.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: shown }),
    });
    assert.equal(refused.status, 400);
    await context.close();
  });

  test('an administrator switches to every key of the account; a plain user has no switch and sees only theirs', async () => {
    const member = await server.app.createUser({ name: 'Mia Member' });
    const memberToken = await member.token();
    const created = await fetch(`${server.url}/v1/apikeys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${memberToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'mia-laptop', iam_id: member.iamId }),
    });
    assert.equal(created.status, 201);

    const adminContext = await newContext(browser, server.url);
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, server.url, server.app.admin);
    await adminPage.getByText('No API keys yet').waitFor();
    await adminPage.getByRole('tab', { name: 'All API keys of the account' }).click();
    const row = adminPage.locator('tr', { hasText: 'mia-laptop' });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(member.iamId));
    assert.ok(await adminPage.getByRole('columnheader', { name: 'Owner' }).isVisible());
    await assertAccessible(adminPage, 'API keys of the whole account');
    await adminContext.close();

    const memberContext = await newContext(browser, server.url);
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, server.url, member);
    await memberPage.locator('tr', { hasText: 'mia-laptop' }).waitFor();
    assert.equal(await memberPage.getByRole('tab', { name: 'All API keys of the account' }).count(), 0);
    assert.equal(await memberPage.getByRole('link', { name: 'Users' }).count(), 0, 'no Users page for a plain user');
    // The API refuses what the console does not offer.
    const forced = await memberPage.evaluate(async () => (await fetch('/v1/apikeys?scope=account')).status);
    assert.equal(forced, 403);
    await memberContext.close();
  });

  test('a session ended elsewhere (password changed) sends the console back to sign-in with a note', async () => {
    const user = await server.app.createUser();
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, user);
    const changed = await fetch(`${server.url}/v1/users/me/password`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await user.token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ current_password: user.password, new_password: `${user.password}-new` }),
    });
    assert.equal(changed.status, 204);
    await page.getByRole('button', { name: 'Create' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create IBM Cloud API key' });
    await dialog.getByLabel('Name').fill('too-late');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
    await page.getByRole('heading', { name: 'Log in to vigil' }).waitFor();
    const keys = await fetch(`${server.url}/v1/apikeys`, {
      headers: { authorization: `Bearer ${await user.token()}` },
    });
    assert.deepEqual(((await keys.json()) as { apikeys: unknown[] }).apikeys, [], 'nothing was created');
    await context.close();
  });

  test('sign out: the console returns to the form and the old session cookie is refused by the API', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, server.app.admin);
    const cookie = await sessionCookieOf(context);
    const before = await fetch(`${server.url}/auth/session`, { headers: { cookie } });
    assert.equal(before.status, 200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Log in to vigil' }).waitFor();
    await page.getByText('You have signed out.').waitFor();

    const afterSession = await fetch(`${server.url}/auth/session`, { headers: { cookie } });
    assert.equal(afterSession.status, 401);
    const afterApi = await fetch(`${server.url}/v1/apikeys`, { headers: { cookie } });
    assert.equal(afterApi.status, 401);
    await page.reload();
    await page.getByRole('heading', { name: 'Log in to vigil' }).waitFor();
    await context.close();
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
