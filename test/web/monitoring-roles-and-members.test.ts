import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
} from '../../src/testing/monitor-fixtures.js';
import type { TestUser } from '../../src/testing/test-app.js';
import {
  assertAccessible,
  browserSkip,
  launchBrowser,
  newContext,
  signIn,
  startConsoleServer,
  type ConsoleServer,
} from './browser-harness.js';

/**
 * The monitoring pages by who looks at them: someone with no instance, a team manager who is only a Reader elsewhere
 * (Reset Token in their team only), the team remembered between visits, and an administrator's membership work
 * (invite by email, remove with confirmation) and scope edits the server refuses.
 */
interface World {
  readonly guid: string;
  readonly opsId: number;
  readonly webId: number;
  /** IAM Reader on the instance and ROLE_TEAM_MANAGER of `web` through a membership. */
  readonly manager: TestUser;
  /** IAM Reader on the instance only. */
  readonly reader: TestUser;
}

interface TeamState {
  readonly id: number;
  readonly name: string;
  readonly filter: string | null;
  readonly userRoles: readonly { userName: string; role: string }[];
}

describe('console: monitoring by role — managers, Readers, members', { skip: browserSkip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let world: World;

  before(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    const { instance, operations } = await insertInstance(server.app, { name: 'production' });
    const web = await insertTeam(server.app, instance.guid, 'web');
    const manager = await server.app.createUser({ name: 'Mona Manager' });
    const reader = await server.app.createUser({ name: 'Rita Reader' });
    for (const user of [manager, reader]) {
      await grantMonitorRole(server.app, user.iamId, 'Reader', { instanceGuid: instance.guid });
    }
    // The manager's Monitor user exists from their first request; then the membership makes them manage `web`.
    const me = await fetch(`${server.url}/api/user/me`, { headers: iamHeaders(await manager.token(), instance.guid) });
    assert.equal(me.status, 200);
    const monitorUserId = ((await me.json()) as { user: { id: number } }).user.id;
    await insertMembership(server.app, web.id, monitorUserId, 'ROLE_TEAM_MANAGER');
    world = { guid: instance.guid, opsId: operations.id, webId: web.id, manager, reader };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function meWith(token: string): Promise<{ status: number; username?: string }> {
    const res = await fetch(`${server.url}/api/user/me`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { user?: { username: string } };
    return { status: res.status, ...(body.user ? { username: body.user.username } : {}) };
  }

  async function apiToken(user: TestUser, teamId: number): Promise<string> {
    const res = await fetch(`${server.url}/api/token`, { headers: iamHeaders(await user.token(), world.guid, teamId) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { token: { key: string } }).token.key;
  }

  async function teams(): Promise<TeamState[]> {
    const res = await fetch(`${server.url}/api/teams`, {
      headers: iamHeaders(await server.app.admin.token(), world.guid),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { teams: TeamState[] }).teams;
  }

  async function teamNamed(name: string): Promise<TeamState | undefined> {
    return (await teams()).find((team) => team.name === name);
  }

  async function openMonitorApi(page: Page, teamId?: number): Promise<void> {
    await page.goto(
      `${server.url}/monitoring/instances/${world.guid}/settings/monitor-api${teamId ? `?team=${teamId}` : ''}`,
    );
    await page.getByRole('heading', { level: 1, name: 'Monitor API' }).waitFor();
    await page.getByText('Monitor API token', { exact: true }).waitFor();
  }

  test('someone with no access to any instance sees the empty state, without Create', async () => {
    const nobody = await server.app.createUser({ name: 'Nora Nobody' });
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, nobody);
    await page.getByRole('link', { name: 'Monitoring instances' }).click();
    await page.getByRole('heading', { name: 'No monitoring instances' }).waitFor();
    await page.getByText('You have access to no instance yet').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create instance' }).count(), 0);
    await assertAccessible(page, 'monitoring instances, empty');
    const listed = await fetch(`${server.url}/v1/instances`, {
      headers: { authorization: `Bearer ${await nobody.token()}` },
    });
    assert.deepEqual(await listed.json(), { instances: [] });
    const forced = await fetch(`${server.url}/v1/instances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await nobody.token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'mine' }),
    });
    assert.equal(forced.status, 403);
    await context.close();
  });

  test('deleting an instance asks first, and Cancel keeps it', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, server.app.admin);
    await page.getByRole('link', { name: 'Monitoring instances' }).click();
    const row = page.locator('tr', { hasText: 'production' });
    await row.getByRole('button', { name: 'Actions for production' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete instance "production"?' });
    await dialog.getByText(/every script and sender using one of its tokens stops working/).waitFor();
    await assertAccessible(page, 'the delete instance confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const res = await fetch(`${server.url}/v1/instances/${world.guid}`, {
      headers: { authorization: `Bearer ${await server.app.admin.token()}` },
    });
    assert.equal(res.status, 200);
    await context.close();
  });

  test('a team manager resets their token in the team they manage (with a grace period), not where they only read', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, world.manager);

    await openMonitorApi(page, world.opsId);
    assert.equal(await page.getByRole('button', { name: 'Reset Token' }).count(), 0, 'a Reader in Monitor Operations');
    await assertAccessible(page, 'Settings › Monitor API as a Reader of the team');

    await openMonitorApi(page, world.webId);
    await page.getByRole('button', { name: 'Reveal' }).click();
    const old = await page.getByTestId('monitor-token').innerText();
    assert.equal(old, await apiToken(world.manager, world.webId));
    await page.getByRole('button', { name: 'Reset Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset your Monitor API token?' });
    assert.match(await dialog.innerText(), /Scripts, SDKs and Prometheus remote-write senders/);
    await dialog.getByLabel('Keep the current token working for').selectOption('300');
    await assertAccessible(page, 'the Reset Token confirmation with a grace period');
    await dialog.getByRole('button', { name: 'Reset Token' }).click();
    await page.getByText('The previous token keeps working for 5 minutes.').waitFor();
    await page.getByTestId('monitor-token').filter({ hasNotText: old }).waitFor();
    const fresh = await page.getByTestId('monitor-token').innerText();
    assert.match(fresh, /^vigil_mt_[0-9A-Za-z]+$/, 'the new token is shown in full');
    assert.equal(fresh, await apiToken(world.manager, world.webId));
    assert.deepEqual(await meWith(fresh), { status: 200, username: world.manager.email });
    assert.deepEqual(await meWith(old), { status: 200, username: world.manager.email }, 'within the grace period');
    await assertAccessible(page, 'Settings › Monitor API after a reset with grace');

    // The same person's reset in the team they only read is refused by the API, with their Monitor API token.
    const opsToken = await apiToken(world.manager, world.opsId);
    const forced = await fetch(`${server.url}/api/token/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opsToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(forced.status, 403);
    assert.equal(await apiToken(world.manager, world.opsId), opsToken);
    await context.close();
  });

  test('a Reader forcing a reset with their Monitor API token gets 403, and the token still works', async () => {
    const token = await apiToken(world.reader, world.opsId);
    for (const body of ['{}', JSON.stringify({ graceSeconds: 300 })]) {
      const forced = await fetch(`${server.url}/api/token/reset`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      assert.equal(forced.status, 403);
    }
    assert.equal(await apiToken(world.reader, world.opsId), token);
    assert.deepEqual(await meWith(token), { status: 200, username: world.reader.email });
  });

  test('the team chosen in an instance is remembered: opening the instance again acts in it', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, world.reader);
    await openMonitorApi(page, world.opsId);
    await page.getByRole('combobox', { name: 'Team' }).click();
    await assertAccessible(page, 'the team switcher, open');
    await page.getByRole('option', { name: 'web' }).click();
    await page.waitForURL(new RegExp(`team=${world.webId}`));

    // From the list, whose links carry no team, the instance opens in `web` again.
    await page.getByRole('link', { name: 'Monitoring instances' }).click();
    await page.locator('tr', { hasText: 'production' }).getByRole('link', { name: 'production' }).click();
    await page.getByRole('heading', { level: 1, name: 'Monitor API' }).waitFor();
    await page.getByText(/Your Monitor API token for the team web of production/).waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Team' }).innerText(), 'web');
    await page.getByRole('button', { name: 'Reveal' }).click();
    await page.getByTestId('monitor-token').filter({ hasNotText: '•' }).waitFor();
    assert.equal(await page.getByTestId('monitor-token').innerText(), await apiToken(world.reader, world.webId));
    // The sections keep the team too.
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.waitForURL(new RegExp(`/teams\\?team=${world.webId}`));
    await context.close();
  });

  test('teams: a created team is listed; the scope editor shows the server refusal in place; members are invited by email and removed', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, server.app.admin);
    await page.goto(`${server.url}/monitoring/instances/${world.guid}/teams?team=${world.opsId}`);
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();

    await page.getByRole('button', { name: 'Create team' }).click();
    const create = page.getByRole('dialog', { name: 'Create a team' });
    await create.getByRole('button', { name: 'Create' }).click();
    await create.getByText('Enter a name for the team.').waitFor();
    await create.getByLabel('Name', { exact: true }).fill('billing');
    await create.getByLabel('Description (optional)').fill('Invoices and payments');
    await create.getByLabel('Scope (optional)').fill('kubernetes.namespace.name = "billing"');
    await create.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 2, name: 'billing' }).waitFor();
    const created = await teamNamed('billing');
    assert.equal(created?.filter, 'kubernetes.namespace.name = "billing"');

    // Back in the list, the new team is there with its scope.
    await page.getByRole('link', { name: 'Teams' }).click();
    const row = page.locator('tr', { hasText: 'billing' });
    await row.waitFor();
    assert.match(await row.innerText(), /Invoices and payments/);
    assert.match(await row.innerText(), /kubernetes\.namespace\.name = "billing"/);
    await row.getByRole('link', { name: 'billing' }).click();
    await page.getByRole('heading', { level: 2, name: 'billing' }).waitFor();

    // A scope that passes the first check but not the server's: its message in place, nothing saved.
    const scopeField = page.getByLabel('Scope', { exact: true });
    await scopeField.fill('kubernetes.namespace.name in ("billing" "payments")');
    await page.getByRole('button', { name: 'Save scope' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /The scope was not saved/ })
      .filter({ hasText: /HTTP 400/ })
      .waitFor();
    await assertAccessible(page, 'team details with a refused scope');
    assert.equal((await teamNamed('billing'))?.filter, 'kubernetes.namespace.name = "billing"');
    // The client-side check speaks first for what is plainly not a condition.
    await scopeField.fill('billing');
    await page.getByRole('button', { name: 'Save scope' }).click();
    await page.getByText(/Condition 1 \("billing"\) should read/).waitFor();

    // Someone who never used the instance is invited by email and becomes a member.
    const newcomer = 'newcomer@example.test';
    await page.getByLabel('Email').fill(newcomer);
    await page.getByLabel('Role', { exact: true }).selectOption('ROLE_TEAM_STANDARD');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.locator('tr', { hasText: newcomer }).waitFor();
    assert.deepEqual(membersOf(await teamNamed('billing')), [[newcomer, 'ROLE_TEAM_STANDARD']]);
    // Adding the same person twice is refused in place.
    await page.getByLabel('Email').fill(newcomer);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByText(`${newcomer} is already a member.`).waitFor();
    // Removing asks first.
    await page.getByRole('button', { name: `Remove ${newcomer}` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove ${newcomer} from billing?` });
    await confirm.getByText(/Their access through this membership ends at once/).waitFor();
    await assertAccessible(page, 'the remove member confirmation');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual(membersOf(await teamNamed('billing')), [[newcomer, 'ROLE_TEAM_STANDARD']], 'Cancel keeps them');
    await page.getByRole('button', { name: `Remove ${newcomer}` }).click();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('heading', { name: 'No members yet' }).waitFor();
    assert.deepEqual(membersOf(await teamNamed('billing')), []);

    await page.getByRole('button', { name: 'Delete team' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete team "billing"?' });
    await assertAccessible(page, 'the delete team confirmation');
    await remove.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    await page.locator('tr', { hasText: 'web' }).waitFor();
    assert.equal(await page.locator('tr', { hasText: 'billing' }).count(), 0);
    assert.equal(await teamNamed('billing'), undefined);
    await context.close();
  });

  test('a team manager manages the members of their team but creates no team and edits no scope', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, world.manager);
    await page.goto(`${server.url}/monitoring/instances/${world.guid}/teams/${world.webId}?team=${world.webId}`);
    await page.getByRole('heading', { level: 2, name: 'web' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save scope' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Delete team' }).count(), 0);
    await page.getByLabel('Email').fill(world.reader.email);
    await page.getByLabel('Role', { exact: true }).selectOption('ROLE_TEAM_READ');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.locator('tr', { hasText: world.reader.email }).waitFor();
    await assertAccessible(page, 'team details as its manager');
    assert.deepEqual(
      membersOf(await teamNamed('web')).sort(),
      [
        [world.manager.email, 'ROLE_TEAM_MANAGER'],
        [world.reader.email, 'ROLE_TEAM_READ'],
      ].sort(),
    );
    await page.goto(`${server.url}/monitoring/instances/${world.guid}/teams?team=${world.webId}`);
    await page.locator('tr', { hasText: 'web' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create team' }).count(), 0);
    await context.close();
  });
});

function membersOf(team: TeamState | undefined): [string, string][] {
  return (team?.userRoles ?? []).map((member) => [member.userName, member.role]);
}
