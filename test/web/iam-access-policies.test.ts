import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { iamHeaders, insertInstance, insertTeam } from '../../src/testing/monitor-fixtures.js';
import {
  assertAccessible,
  browserSkip,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  startConsoleServer,
  type ConsoleServer,
} from './browser-harness.js';
import { callApi, policiesOf, resourceOf, rowAction } from './iam-helpers.js';

describe('console: access policies', { skip: browserSkip }, () => {
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

  test('assign roles to a user and to a service ID, filter by subject type, remove', async () => {
    const { app } = server;
    const adminToken = await app.admin.token();
    const { instance } = await insertInstance(app, { name: 'production' });
    await insertInstance(app, { name: 'staging' });
    const sre = await insertTeam(app, instance.guid, 'SRE');
    const rita = await app.createUser({ name: 'Rita Reader', email: 'rita@example.test' });
    const created = await callApi<{ iam_id: string }>(server.url, adminToken, '/v1/serviceids', {
      method: 'POST',
      body: { account_id: app.accountId, name: 'ingest-bot' },
    });
    assert.equal(created.status, 201);
    const botIamId = created.body.iam_id;

    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, app.admin);
    await page.getByRole('link', { name: 'Access policies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Access policies' }).waitFor();
    await page.getByText('No access policies').waitFor();
    await assertAccessible(page, 'Access policies (empty)');

    // Rita: Reader on one instance, every team. A subject is required first.
    await page.getByRole('button', { name: 'Assign access' }).first().click();
    const assign = page.getByRole('dialog', { name: 'Assign access', exact: true });
    await assign.getByRole('button', { name: 'Assign', exact: true }).click();
    await assign.getByText('Choose a user or service ID.').waitFor();
    await assign.getByLabel('User or service ID').selectOption({ label: 'Rita Reader (rita@example.test)' });
    await assign.getByLabel('Monitoring instance').selectOption({ label: 'production' });
    await assign.getByText('Reader', { exact: true }).click();
    await assertAccessible(page, 'the assign access dialog');
    await assign.getByRole('button', { name: 'Assign', exact: true }).click();
    const ritaRow = page.locator('tr', { hasText: 'Rita Reader (rita@example.test)' });
    await ritaRow.waitFor();
    assert.match(await ritaRow.innerText(), /User\s+Reader\s+sysdig-monitor\s+production\s+All teams/);

    const ritaPolicies = await policiesOf(server.url, adminToken, app.accountId, rita.iamId);
    assert.equal(ritaPolicies.length, 1);
    assert.deepEqual(
      ritaPolicies[0]!.roles.map((role) => role.role_id),
      ['crn:v1:bluemix:public:iam::::serviceRole:Reader'],
    );
    assert.deepEqual(resourceOf(ritaPolicies[0]!), {
      accountId: app.accountId,
      serviceName: 'sysdig-monitor',
      serviceInstance: instance.guid,
    });
    // The policy works: Rita reaches the instance's Monitor API.
    const ritaToken = await rita.token();
    assert.equal(
      (await fetch(`${server.url}/api/user/me`, { headers: iamHeaders(ritaToken, instance.guid) })).status,
      200,
    );

    // The service ID: Viewer and Writer in one team.
    await page.getByRole('button', { name: 'Assign access' }).first().click();
    await assign.getByLabel('User or service ID').selectOption({ label: 'ingest-bot' });
    await assign.getByLabel('Monitoring instance').selectOption({ label: 'production' });
    await assign.getByRole('option', { name: 'SRE' }).waitFor({ state: 'attached' });
    await assign.getByLabel('Team').selectOption({ label: 'SRE' });
    await assign.getByText('Viewer', { exact: true }).click();
    await assign.getByText('Writer', { exact: true }).click();
    await assign.getByRole('button', { name: 'Assign', exact: true }).click();
    const botRow = page.locator('tr', { hasText: 'ingest-bot' });
    await botRow.waitFor();
    assert.match(await botRow.innerText(), /Service ID\s+Viewer\s*Writer\s+sysdig-monitor\s+production\s+SRE/);
    const botPolicies = await policiesOf(server.url, adminToken, app.accountId, botIamId);
    assert.equal(botPolicies.length, 1);
    assert.deepEqual(botPolicies[0]!.roles.map((role) => role.role_id).sort(), [
      'crn:v1:bluemix:public:iam::::role:Viewer',
      'crn:v1:bluemix:public:iam::::serviceRole:Writer',
    ]);
    assert.equal(resourceOf(botPolicies[0]!)['sysdigTeam'], String(sre.id));
    await assertAccessible(page, 'Access policies (two)');
    await screenshot(page, 'access-policies');

    // Filter by subject type.
    await page.getByRole('tab', { name: 'Service IDs' }).click();
    await botRow.waitFor();
    await ritaRow.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Users' }).click();
    await ritaRow.waitFor();
    await botRow.waitFor({ state: 'detached' });
    await assertAccessible(page, 'Access policies (users only)');
    await page.getByRole('tab', { name: 'All' }).click();
    await botRow.waitFor();

    // Remove Rita's, with confirmation: gone from the page and the API, and her access with it.
    await rowAction(page, /^Actions for the policy Reader on .* for Rita Reader/, 'Remove');
    const confirm = page.getByRole('dialog', { name: 'Remove access policy?' });
    await confirm.getByText('Reader on sysdig-monitor › production for Rita Reader (rita@example.test).').waitFor();
    await assertAccessible(page, 'the remove policy confirmation');
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await ritaRow.waitFor({ state: 'detached' });
    await botRow.waitFor();
    assert.deepEqual(await policiesOf(server.url, adminToken, app.accountId, rita.iamId), []);
    assert.equal((await policiesOf(server.url, adminToken, app.accountId, botIamId)).length, 1);
    assert.equal(
      (await fetch(`${server.url}/api/user/me`, { headers: iamHeaders(ritaToken, instance.guid) })).status,
      403,
    );
    await context.close();
  });

  test('a user who may not read policies sees the 403 in place, and cannot assign one through the API', async () => {
    const { app } = server;
    const member = await app.createUser({ name: 'Mo Member' });
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, member);
    await page.getByRole('link', { name: 'Access policies' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Could not load access policies' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /\(HTTP 403\)/);
    await assertAccessible(page, 'Access policies (403)');
    const forced = await callApi(server.url, await member.token(), '/v1/policies', {
      method: 'POST',
      body: {
        type: 'access',
        subjects: [{ attributes: [{ name: 'iam_id', value: member.iamId }] }],
        roles: [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Manager' }],
        resources: [{ attributes: [{ name: 'accountId', value: app.accountId }] }],
      },
    });
    assert.equal(forced.status, 403);
    await context.close();
  });
});
