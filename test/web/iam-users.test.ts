import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  assertAccessible,
  browserSkip,
  launchBrowser,
  newContext,
  screenshot,
  sessionCookieOf,
  signIn,
  startConsoleServer,
  type ConsoleServer,
} from './browser-harness.js';
import { NO_ORIGIN } from '../../src/platform/audit/audit.service.js';
import { callApi, rowAction, tokenGrant } from './iam-helpers.js';

interface UserOnWire {
  iam_id: string;
  email: string;
  name: string;
  state: 'ACTIVE' | 'DISABLED' | 'PENDING';
  admin: boolean;
  signin_locked_until?: string;
}

describe('console: users (administrators)', { skip: browserSkip }, () => {
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

  async function usersByEmail(adminToken: string): Promise<Map<string, UserOnWire>> {
    const listed = await callApi<{ users: UserOnWire[] }>(server.url, adminToken, '/v1/users?limit=100');
    assert.equal(listed.status, 200);
    return new Map(listed.body.users.map((user) => [user.email, user]));
  }

  test('add a user who then signs in; disable refuses their session and tokens; enable; delete', async () => {
    const { app } = server;
    const adminToken = await app.admin.token();
    const admin = await newContext(browser, server.url);
    const page = await admin.newPage();
    await signIn(page, server.url, app.admin);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    const self = page.locator('tr', { hasText: app.admin.email });
    await self.waitFor();
    assert.match(await self.innerText(), /\(you\)/);
    assert.match(await self.innerText(), /Administrator/);
    assert.equal(await self.getByRole('button').count(), 0, 'no disable or delete for yourself');
    await assertAccessible(page, 'Users');

    // Add: the form says what is missing before asking the API.
    await page.getByRole('button', { name: 'Add user' }).click();
    const add = page.getByRole('dialog', { name: 'Add a user' });
    await add.getByLabel('Email').fill('rosa@example.test');
    await add.getByLabel('Name').fill('Rosa Parks');
    await add.getByLabel('First password').fill('short');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await add.getByText('The first password needs at least 8 characters.').waitFor();
    await assertAccessible(page, 'the add user dialog (invalid)');
    const password = 'rosa-first-password-1';
    await add.getByLabel('First password').fill(password);
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.locator('tr', { hasText: 'rosa@example.test' });
    await row.waitFor();
    assert.match(await row.innerText(), /Rosa Parks\s+rosa@example\.test\s+Member\s+Active/);
    let rosa = (await usersByEmail(adminToken)).get('rosa@example.test');
    assert.ok(rosa, 'the user exists');
    assert.equal(rosa.name, 'Rosa Parks');
    assert.equal(rosa.state, 'ACTIVE');
    assert.equal(rosa.admin, false);
    await assertAccessible(page, 'Users (two)');
    await screenshot(page, 'users');

    // The same email again: the API's refusal is shown in the dialog.
    await page.getByRole('button', { name: 'Add user' }).click();
    await add.getByLabel('Email').fill('rosa@example.test');
    await add.getByLabel('Name').fill('Rosa Again');
    await add.getByLabel('First password').fill(password);
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    const conflict = add.getByRole('alert').filter({ hasText: 'Could not add the user' });
    await conflict.waitFor();
    assert.match(await conflict.innerText(), /\(HTTP 409\)/);
    await add.getByRole('button', { name: 'Cancel' }).click();

    // The new user signs in to the console, and gets a token with their password.
    const rosaContext = await newContext(browser, server.url);
    const rosaPage = await rosaContext.newPage();
    await signIn(rosaPage, server.url, { email: 'rosa@example.test', password });
    assert.equal(await rosaPage.getByTestId('signed-in-user').innerText(), 'rosa@example.test');
    const cookie = await sessionCookieOf(rosaContext);
    const grant = await tokenGrant(server.url, { grant_type: 'password', username: 'rosa@example.test', password });
    assert.equal(grant.status, 200);
    const rosaToken = ((await grant.json()) as { access_token: string }).access_token;
    assert.equal((await callApi(server.url, rosaToken, '/v1/users/me')).status, 200);

    // Disable: her session and her tokens are refused at once; she cannot sign in again.
    await rowAction(page, 'Actions for rosa@example.test', 'Disable');
    await row.getByText('Disabled').waitFor();
    rosa = (await usersByEmail(adminToken)).get('rosa@example.test');
    assert.equal(rosa?.state, 'DISABLED');
    assert.equal((await fetch(`${server.url}/auth/session`, { headers: { cookie } })).status, 401);
    assert.equal((await fetch(`${server.url}/v1/apikeys`, { headers: { cookie } })).status, 401);
    assert.equal((await callApi(server.url, rosaToken, '/v1/users/me')).status, 401);
    await rosaPage.getByRole('link', { name: 'Service IDs' }).click();
    await rosaPage.getByRole('heading', { name: 'Log in to vigil' }).waitFor();
    await rosaPage.getByText('Your session has ended.').waitFor();
    await rosaPage.getByLabel('Email').fill('rosa@example.test');
    await rosaPage.getByLabel('Password', { exact: true }).fill(password);
    await rosaPage.getByRole('button', { name: 'Log in' }).click();
    await rosaPage.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
    const refusedGrant = await tokenGrant(server.url, {
      grant_type: 'password',
      username: 'rosa@example.test',
      password,
    });
    assert.equal(refusedGrant.status, 400);

    // Enable: she can sign in again.
    await rowAction(page, 'Actions for rosa@example.test', 'Enable');
    await row.getByText('Active').waitFor();
    assert.equal((await usersByEmail(adminToken)).get('rosa@example.test')?.state, 'ACTIVE');
    await rosaPage.getByRole('button', { name: 'Log in' }).click();
    // Signed in again, on the page she was opening.
    await rosaPage.getByRole('heading', { level: 1, name: 'Service IDs' }).waitFor();
    assert.equal(await rosaPage.getByTestId('signed-in-user').innerText(), 'rosa@example.test');

    // Delete, with confirmation: gone from the list and from the API; her session ends.
    await rowAction(page, 'Actions for rosa@example.test', 'Delete');
    const confirm = page.getByRole('dialog', { name: 'Delete user rosa@example.test?' });
    await assertAccessible(page, 'the delete user confirmation');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await usersByEmail(adminToken)).has('rosa@example.test'), false);
    assert.equal((await callApi(server.url, adminToken, `/v1/users/${rosa?.iam_id ?? ''}`)).status, 404);
    const lastCookie = await sessionCookieOf(rosaContext);
    assert.equal((await fetch(`${server.url}/auth/session`, { headers: { cookie: lastCookie } })).status, 401);
    await rosaContext.close();
    await admin.close();
  });

  test('an invited user shows as Pending; a sign-in locked by wrong passwords shows, and an administrator unlocks it', async () => {
    const { app } = server;
    const adminToken = await app.admin.token();
    await app.iam.users.invite(
      { accountId: app.accountId, email: 'ivy@example.test', name: 'Ivy Invited', invitedBy: app.admin.iamId },
      NO_ORIGIN,
    );
    const locked = await app.createUser({ name: 'Lou Locked' });
    for (let i = 0; i < 10; i++) {
      const wrong = await tokenGrant(server.url, {
        grant_type: 'password',
        username: locked.email,
        password: `not-it-${i}-at-all`,
      });
      assert.equal(wrong.status, 400);
    }
    const refused = await tokenGrant(server.url, {
      grant_type: 'password',
      username: locked.email,
      password: locked.password,
    });
    assert.equal(refused.status, 429);

    const admin = await newContext(browser, server.url);
    const page = await admin.newPage();
    await signIn(page, server.url, app.admin);
    await page.getByRole('link', { name: 'Users' }).click();
    const pending = page.locator('tr', { hasText: 'ivy@example.test' });
    await pending.waitFor();
    assert.match(await pending.innerText(), /Ivy Invited\s+ivy@example\.test\s+Member\s+Pending/);
    const row = page.locator('tr', { hasText: locked.email });
    await row.getByText('Sign-in locked').waitFor();
    await assertAccessible(page, 'Users (pending and locked)');

    await rowAction(page, `Actions for ${locked.email}`, 'Unlock sign-in');
    await row.getByText('Sign-in locked').waitFor({ state: 'detached' });
    assert.equal((await usersByEmail(adminToken)).get(locked.email)?.signin_locked_until, undefined);
    const granted = await tokenGrant(server.url, {
      grant_type: 'password',
      username: locked.email,
      password: locked.password,
    });
    assert.equal(granted.status, 200);
    // Only a locked user has the item.
    await page.getByRole('button', { name: `Actions for ${locked.email}` }).click();
    assert.equal(await page.getByRole('menuitem', { name: 'Unlock sign-in' }).count(), 0);
    await page.keyboard.press('Escape');
    await admin.close();
  });

  test('a non-administrator has no Users item, sees the 403 on /iam/users, and cannot add a user', async () => {
    const { app } = server;
    const member = await app.createUser({ name: 'Mo Member' });
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, member);
    const nav = page.getByRole('navigation', { name: 'Side navigation' });
    await nav.getByRole('link', { name: 'Service IDs' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);

    await page.goto(`${server.url}/iam/users`);
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    const refused = page.getByRole('alert').filter({ hasText: 'Could not load users' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /\(HTTP 403\)/);
    assert.equal(await page.getByRole('table').count(), 0, 'no list in place of the refusal');
    await assertAccessible(page, 'Users (403)');

    const forced = await callApi(server.url, await member.token(), '/v1/users', {
      method: 'POST',
      body: { email: 'sneaky@example.test', name: 'Sneaky', password: 'sneaky-password' },
    });
    assert.equal(forced.status, 403);
    await context.close();
  });
});
