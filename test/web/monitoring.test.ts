import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { grantMonitorRole, iamHeaders, insertInstance, insertTeam } from '../../src/testing/monitor-fixtures.js';
import type { TestUser } from '../../src/testing/test-app.js';
import {
  assertAccessible,
  browserSkip,
  clipboardOf,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  startConsoleServer,
  type ConsoleServer,
} from './browser-harness.js';

interface World {
  readonly guid: string;
  readonly opsId: number;
  readonly webId: number;
  readonly reader: TestUser;
}

describe('console: monitoring instances, Settings › Monitor API, teams', { skip: browserSkip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let world: World;

  before(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    const { instance, operations } = await insertInstance(server.app, { name: 'production' });
    const web = await insertTeam(server.app, instance.guid, 'web');
    const reader = await server.app.createUser({ name: 'Rita Reader' });
    await grantMonitorRole(server.app, reader.iamId, 'Reader', { instanceGuid: instance.guid });
    world = { guid: instance.guid, opsId: operations.id, webId: web.id, reader };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** GET /api/user/me with a Monitor API token: the status and the username it acts as. */
  async function meWith(token: string): Promise<{ status: number; username?: string }> {
    const res = await fetch(`${server.url}/api/user/me`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { user?: { username: string } };
    return { status: res.status, ...(body.user ? { username: body.user.username } : {}) };
  }

  /** The user's token in a team, as the API gives it to their IAM token. */
  async function apiToken(user: TestUser, teamId: number): Promise<string> {
    const res = await fetch(`${server.url}/api/token`, { headers: iamHeaders(await user.token(), world.guid, teamId) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { token: { key: string } }).token.key;
  }

  async function openMonitorApi(page: Page, teamId?: number): Promise<void> {
    await page.goto(
      `${server.url}/monitoring/instances/${world.guid}/settings/monitor-api${teamId ? `?team=${teamId}` : ''}`,
    );
    await page.getByRole('heading', { level: 1, name: 'Monitor API' }).waitFor();
    await page.getByText('Monitor API token', { exact: true }).waitFor();
  }

  test('instances: the list opens an instance; an administrator creates and deletes one', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, server.app.admin);
    await page.getByRole('link', { name: 'Monitoring instances' }).click();
    await page.getByRole('heading', { level: 1, name: 'Monitoring instances' }).waitFor();
    const row = page.locator('tr', { hasText: 'production' });
    assert.match(await row.innerText(), new RegExp(world.guid));
    await assertAccessible(page, 'monitoring instances');
    await screenshot(page, 'monitoring-instances');

    await page.getByRole('button', { name: 'Create instance' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a monitoring instance' });
    await dialog.getByLabel('Name').fill('staging');
    await assertAccessible(page, 'the create instance dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const staging = page.locator('tr', { hasText: 'staging' });
    await staging.waitFor();
    const listed = await fetch(`${server.url}/v1/instances`, {
      headers: { authorization: `Bearer ${await server.app.admin.token()}` },
    });
    const names = ((await listed.json()) as { instances: { name: string }[] }).instances.map((i) => i.name).sort();
    assert.deepEqual(names, ['production', 'staging']);

    await staging.getByRole('button', { name: 'Actions for staging' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete instance "staging"?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await staging.waitFor({ state: 'detached' });

    await row.getByRole('link', { name: 'production' }).click();
    await page.getByRole('heading', { level: 1, name: 'Monitor API' }).waitFor();
    await context.close();
  });

  test('Settings › Monitor API: reveal and copy the token, which works on /api/user/me; the team switcher changes it', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, world.reader);
    await openMonitorApi(page, world.opsId);
    const shown = page.getByTestId('monitor-token');
    assert.match(await shown.innerText(), /^vigil_mt_•+.{4}$/, 'masked at first');
    await assertAccessible(page, 'Settings › Monitor API (masked)');
    assert.equal(await page.getByRole('button', { name: 'Reset Token' }).count(), 0, 'no Reset Token for a Reader');

    await page.getByRole('button', { name: 'Reveal' }).click();
    const revealed = await shown.innerText();
    assert.match(revealed, /^vigil_mt_[0-9A-Za-z]+$/);
    assert.equal(revealed, await apiToken(world.reader, world.opsId));
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await clipboardOf(page), revealed);
    assert.deepEqual(await meWith(revealed), { status: 200, username: world.reader.email });
    await page.getByRole('button', { name: 'Hide' }).click();
    assert.match(await shown.innerText(), /•/);

    // The team switcher: another team, another token, in the address too.
    await page.getByRole('combobox', { name: 'Team' }).click();
    await page.getByRole('option', { name: 'web' }).click();
    await page.waitForURL(new RegExp(`team=${world.webId}`));
    await page.getByRole('button', { name: 'Reveal' }).click();
    await page.getByTestId('monitor-token').filter({ hasNotText: revealed }).waitFor();
    const webToken = await page.getByTestId('monitor-token').innerText();
    assert.equal(webToken, await apiToken(world.reader, world.webId));
    assert.notEqual(webToken, revealed);

    // A Reader forcing a reset, of their own token or someone else's, is refused by the API, and nothing changes.
    const forceReset = (path: string) =>
      page.evaluate(
        async ({ guid, team, url }) => {
          const session = (await (await fetch('/auth/session')).json()) as { csrf_token: string };
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-csrf-token': session.csrf_token,
              ibminstanceid: guid,
              sysdigteamid: String(team),
            },
            body: '{}',
          });
          return res.status;
        },
        { guid: world.guid, team: world.opsId, url: path },
      );
    assert.equal(await forceReset('/api/token/reset'), 403);
    assert.equal(await apiToken(world.reader, world.opsId), revealed, 'the own token is unchanged');
    const forced = await page.evaluate(
      async ({ guid, team, username }) => {
        const session = (await (await fetch('/auth/session')).json()) as { csrf_token: string };
        const res = await fetch(`/api/token/${encodeURIComponent(username)}/${team}/reset`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-csrf-token': session.csrf_token,
            ibminstanceid: guid,
            sysdigteamid: String(team),
          },
          body: '{}',
        });
        return res.status;
      },
      { guid: world.guid, team: world.opsId, username: server.app.admin.email },
    );
    assert.equal(forced, 403);
    await context.close();
  });

  test('an administrator resets the token: the old one is refused with 401, the new one is shown and works; with grace the old one keeps working', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, server.app.admin);
    await openMonitorApi(page, world.opsId);
    await screenshot(page, 'monitor-api'); // masked: no token in the pictures
    await page.getByRole('button', { name: 'Reveal' }).click();
    const old = await page.getByTestId('monitor-token').innerText();
    assert.deepEqual(await meWith(old), { status: 200, username: server.app.admin.email });

    await page.getByRole('button', { name: 'Reset Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset your Monitor API token?' });
    assert.match(
      await dialog.innerText(),
      /Prometheus remote-write senders that use the current token stop working at once/,
    );
    await assertAccessible(page, 'the Reset Token confirmation');
    await screenshot(page, 'monitor-api-reset', { hide: [page.getByTestId('monitor-token')] });
    await dialog.getByRole('button', { name: 'Reset Token' }).click();
    await page.getByText('The previous token no longer works.').waitFor();
    await page.getByTestId('monitor-token').filter({ hasNotText: old }).waitFor();
    const fresh = await page.getByTestId('monitor-token').innerText();
    assert.match(fresh, /^vigil_mt_/);
    assert.deepEqual(await meWith(old), { status: 401 });
    assert.deepEqual(await meWith(fresh), { status: 200, username: server.app.admin.email });
    assert.equal(fresh, await apiToken(server.app.admin, world.opsId));

    await page.getByRole('button', { name: 'Reset Token' }).first().click();
    await dialog.getByLabel('Keep the current token working for').selectOption('3600');
    assert.match(await dialog.innerText(), /stop working when the grace period ends/);
    await dialog.getByRole('button', { name: 'Reset Token' }).click();
    await page.getByText('The previous token keeps working for 1 hour.').waitFor();
    await page.getByTestId('monitor-token').filter({ hasNotText: fresh }).waitFor();
    const third = await page.getByTestId('monitor-token').innerText();
    assert.deepEqual(await meWith(fresh), { status: 200, username: server.app.admin.email }, 'grace keeps the old one');
    assert.deepEqual(await meWith(third), { status: 200, username: server.app.admin.email });
    await assertAccessible(page, 'Settings › Monitor API after a reset');
    await context.close();
  });

  test('teams: a bad scope is refused in place; a team is created, scoped, given a member whose role changes, then deleted', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, server.app.admin);
    await page.goto(`${server.url}/monitoring/instances/${world.guid}/teams?team=${world.opsId}`);
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    await page.locator('tr', { hasText: 'web' }).waitFor();
    await assertAccessible(page, 'teams');

    await page.getByRole('button', { name: 'Create team' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a team' });
    await dialog.getByLabel('Name', { exact: true }).fill('payments');
    await dialog.getByLabel('Scope (optional)').fill('kubernetes.namespace.name payments');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText(/Condition 1 \("kubernetes.namespace.name payments"\) should read/).waitFor();
    // Past the first check, the server's own validation speaks.
    await dialog.getByLabel('Scope (optional)').fill('kubernetes.namespace.name = "payments" and = "x"');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText(/should read/).waitFor();
    await dialog.getByLabel('Scope (optional)').fill('kubernetes.namespace.name in ("payments" "billing")');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const serverError = dialog.getByRole('alert').filter({ hasText: /HTTP 400/ });
    await serverError.waitFor();
    await assertAccessible(page, 'the create team dialog with an error');
    const teamsBefore = await teamNames();
    assert.ok(!teamsBefore.includes('payments'));

    await dialog.getByLabel('Scope (optional)').fill('kubernetes.namespace.name = "payments"');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 2, name: 'payments' }).waitFor();
    const created = (await teamsOf()).find((team) => team.name === 'payments');
    assert.equal(created?.filter, 'kubernetes.namespace.name = "payments"');

    await page.getByLabel('Scope', { exact: true }).fill('kubernetes.namespace.name in ("payments", "billing")');
    await page.getByRole('button', { name: 'Save scope' }).click();
    await page.getByText('Scope saved.').waitFor();
    assert.equal(
      (await teamsOf()).find((team) => team.name === 'payments')?.filter,
      'kubernetes.namespace.name in ("payments", "billing")',
    );

    await page.getByLabel('Email').fill(world.reader.email);
    await page.getByLabel('Role', { exact: true }).selectOption('ROLE_TEAM_EDIT');
    await page.getByRole('button', { name: 'Add member' }).click();
    const memberRow = page.locator('tr', { hasText: world.reader.email });
    await memberRow.waitFor();
    assert.deepEqual(membersOf((await teamsOf()).find((team) => team.name === 'payments')), [
      [world.reader.email, 'ROLE_TEAM_EDIT'],
    ]);
    await memberRow.getByLabel(`Role of ${world.reader.email}`).selectOption('ROLE_TEAM_MANAGER');
    await page.waitForFunction(() => true);
    await waitFor(async () =>
      assert.deepEqual(membersOf((await teamsOf()).find((team) => team.name === 'payments')), [
        [world.reader.email, 'ROLE_TEAM_MANAGER'],
      ]),
    );
    await assertAccessible(page, 'team details');
    await screenshot(page, 'team-details');

    await page.getByRole('button', { name: 'Delete team' }).click();
    await page.getByRole('dialog', { name: 'Delete team "payments"?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    await page.locator('tr', { hasText: 'web' }).waitFor();
    await screenshot(page, 'teams');
    assert.ok(!(await teamNames()).includes('payments'));
    await context.close();

    async function teamsOf(): Promise<
      { name: string; filter: string | null; userRoles: { userName: string; role: string }[] }[]
    > {
      const res = await fetch(`${server.url}/api/teams`, {
        headers: iamHeaders(await server.app.admin.token(), world.guid),
      });
      return (
        (await res.json()) as {
          teams: { name: string; filter: string | null; userRoles: { userName: string; role: string }[] }[];
        }
      ).teams;
    }
    async function teamNames(): Promise<string[]> {
      return (await teamsOf()).map((team) => team.name);
    }
  });

  test('a Reader sees teams but no create, scope editing or membership controls', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, world.reader);
    await page.goto(`${server.url}/monitoring/instances/${world.guid}/teams/${world.webId}?team=${world.webId}`);
    await page.getByRole('heading', { level: 2, name: 'web' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save scope' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add member' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Delete team' }).count(), 0);
    await assertAccessible(page, 'team details as a Reader');
    await page.goto(`${server.url}/monitoring/instances/${world.guid}/teams?team=${world.webId}`);
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create team' }).count(), 0);
    const forced = await fetch(`${server.url}/api/teams`, {
      method: 'POST',
      headers: { ...iamHeaders(await world.reader.token(), world.guid), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'sneaky' }),
    });
    assert.equal(forced.status, 403);
    await context.close();
  });
});

function membersOf(team: { userRoles: { userName: string; role: string }[] } | undefined): [string, string][] {
  return (team?.userRoles ?? []).map((member) => [member.userName, member.role]);
}

/** Retries an assertion for up to 5 s (a change made by a click reaches the server a moment later). */
async function waitFor(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
