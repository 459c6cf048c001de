import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { insertInstance, insertTeam, iamHeaders } from '../../src/testing/monitor-fixtures.js';
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
import { accessTokenFor, apiKeyGrant, callApi, claimsOf, policiesOf, resourceOf, rowAction } from './iam-helpers.js';

interface ServiceIdOnWire {
  id: string;
  iam_id: string;
  name: string;
  description?: string;
  locked: boolean;
}

describe('console: service IDs, their API keys and access policies', { skip: browserSkip }, () => {
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

  test('create a service ID and its key; the key signs in as the service ID; assign and remove a policy; delete', async () => {
    const { app } = server;
    const adminToken = await app.admin.token();
    const { instance } = await insertInstance(app, { name: 'production' });
    const sre = await insertTeam(app, instance.guid, 'SRE');

    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, app.admin);
    await page.getByRole('link', { name: 'Service IDs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Service IDs' }).waitFor();
    await page.getByText('No service IDs yet').waitFor();
    await assertAccessible(page, 'Service IDs (empty)');

    // Create: the name is required; then the details of the new service ID open.
    await page.getByRole('button', { name: 'Create' }).first().click();
    const create = page.getByRole('dialog', { name: 'Create service ID' });
    await create.getByRole('button', { name: 'Create' }).click();
    await create.getByText('Enter a name for the service ID.').waitFor();
    await create.getByLabel('Name').fill('billing-exporter');
    await create.getByLabel('Description (optional)').fill('pushes invoices metrics');
    await assertAccessible(page, 'the create service ID dialog');
    await create.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'billing-exporter' }).waitFor();

    const listed = await callApi<{ serviceids: ServiceIdOnWire[] }>(
      server.url,
      adminToken,
      `/v1/serviceids?account_id=${app.accountId}`,
    );
    assert.equal(listed.status, 200);
    assert.equal(listed.body.serviceids.length, 1);
    const sid = listed.body.serviceids[0]!;
    assert.equal(sid.name, 'billing-exporter');
    assert.equal(sid.description, 'pushes invoices metrics');
    assert.equal(new URL(page.url()).pathname, `/iam/serviceids/${sid.id}`);
    assert.equal(await page.getByTestId('service-id-iam-id').innerText(), sid.iam_id);
    await page.getByText('pushes invoices metrics').waitFor();
    await page.getByRole('button', { name: 'Copy ID' }).click();
    await page.getByText('Copied the ID to the clipboard.').waitFor();
    assert.equal(await clipboardOf(page), sid.iam_id);
    await page.getByText('No API keys yet').waitFor();
    await assertAccessible(page, 'service ID details (no keys)');

    // Its API key: shown once, copied, exchanged for a token whose subject is the service ID.
    await page.getByRole('button', { name: 'Create API key' }).first().click();
    const keyDialog = page.getByRole('dialog', { name: 'Create API key for billing-exporter' });
    await keyDialog.getByLabel('Name').fill('exporter-key');
    await assertAccessible(page, 'the create service ID key dialog');
    await keyDialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'API key successfully created' }).waitFor();
    const shown = await page.getByLabel('API key "exporter-key"').inputValue();
    assert.match(shown, /^vigil_ak_/);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await clipboardOf(page);
    assert.equal(copied, shown);
    await assertAccessible(page, 'the created service ID key dialog');
    await page.getByRole('button', { name: 'Done' }).click();
    const keyRow = page.locator('tr', { hasText: 'exporter-key' });
    await keyRow.waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /vigil_ak_/, 'the key is never shown again');

    const token = await accessTokenFor(server.url, copied);
    const claims = claimsOf(token);
    assert.equal(claims['iam_id'], sid.iam_id);
    assert.equal(claims['sub_type'], 'ServiceId');
    assert.equal(claims['sub'], sid.id);
    const keys = await callApi<{ apikeys: { name: string; iam_id: string }[] }>(
      server.url,
      adminToken,
      `/v1/apikeys?iam_id=${sid.iam_id}`,
    );
    assert.deepEqual(
      keys.body.apikeys.map((key) => [key.name, key.iam_id]),
      [['exporter-key', sid.iam_id]],
    );
    // Without a policy the service ID may not use the monitoring instance.
    const before = await fetch(`${server.url}/api/user/me`, { headers: iamHeaders(token, instance.guid, sre.id) });
    assert.equal(before.status, 403);
    // Opened again, the page shows when the key and the service ID were last used.
    await page.reload();
    await keyRow.waitFor();
    assert.doesNotMatch(await keyRow.innerText(), /—\s*$/, 'the key has a last use');
    await assertAccessible(page, 'service ID details (one key)');
    await screenshot(page, 'service-id-details');

    // Access policies tab: Writer on one instance, one team.
    await page.getByRole('tab', { name: 'Access policies' }).click();
    await page.getByText('No access yet').waitFor();
    await assertAccessible(page, 'service ID access policies (none)');
    await page.getByRole('button', { name: 'Assign access' }).first().click();
    const assign = page.getByRole('dialog', { name: 'Assign access to billing-exporter' });
    await assign.getByRole('button', { name: 'Assign', exact: true }).click();
    await assign.getByText('Choose at least one role.').waitFor();
    await assign.getByLabel('Monitoring instance').selectOption({ label: 'production' });
    await assign.getByRole('option', { name: 'SRE' }).waitFor({ state: 'attached' });
    await assign.getByLabel('Team').selectOption({ label: 'SRE' });
    await assign.getByText('Writer', { exact: true }).click();
    assert.equal(await assign.getByRole('checkbox', { name: 'Writer' }).isChecked(), true);
    await assertAccessible(page, 'the assign access dialog (service ID)');
    await assign.getByRole('button', { name: 'Assign', exact: true }).click();
    const policyRow = page.locator('tr', { hasText: 'Writer' });
    await policyRow.waitFor();
    assert.match(await policyRow.innerText(), /sysdig-monitor\s+production\s+SRE/);

    const policies = await policiesOf(server.url, adminToken, app.accountId, sid.iam_id);
    assert.equal(policies.length, 1);
    assert.deepEqual(
      policies[0]!.roles.map((role) => role.role_id),
      ['crn:v1:bluemix:public:iam::::serviceRole:Writer'],
    );
    assert.deepEqual(resourceOf(policies[0]!), {
      accountId: app.accountId,
      serviceName: 'sysdig-monitor',
      serviceInstance: instance.guid,
      sysdigTeam: String(sre.id),
    });
    // The policy works: the service ID's token now reaches the Monitor API in that team.
    const granted = await fetch(`${server.url}/api/user/me`, { headers: iamHeaders(token, instance.guid, sre.id) });
    assert.equal(granted.status, 200);
    await assertAccessible(page, 'service ID access policies (one)');

    // Remove the policy, with confirmation.
    await rowAction(page, /^Actions for the policy Writer on sysdig-monitor › production › SRE$/, 'Remove');
    const removeDialog = page.getByRole('dialog', { name: 'Remove access policy?' });
    await removeDialog.getByText('Writer on sysdig-monitor › production › SRE.').waitFor();
    await assertAccessible(page, 'the remove policy confirmation');
    await removeDialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No access yet').waitFor();
    assert.deepEqual(await policiesOf(server.url, adminToken, app.accountId, sid.iam_id), []);
    const revoked = await fetch(`${server.url}/api/user/me`, { headers: iamHeaders(token, instance.guid, sre.id) });
    assert.equal(revoked.status, 403);

    // Delete the key: it can no longer get tokens.
    await page.getByRole('tab', { name: 'API keys' }).click();
    await rowAction(page, 'Actions for exporter-key', 'Delete');
    const deleteKey = page.getByRole('dialog', { name: 'Delete API key "exporter-key" of billing-exporter?' });
    await assertAccessible(page, 'the delete service ID key confirmation');
    await deleteKey.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No API keys yet').waitFor();
    assert.equal((await apiKeyGrant(server.url, copied)).status, 400);

    // Back to the list: lock (no delete), unlock, delete.
    await page.getByRole('link', { name: 'Service IDs' }).first().click();
    const row = page.locator('tr', { hasText: 'billing-exporter' });
    await row.waitFor();
    assert.match(await row.innerText(), /pushes invoices metrics/);
    assert.match(await row.innerText(), /Active/);
    await assertAccessible(page, 'Service IDs (one)');
    await screenshot(page, 'service-ids');

    await rowAction(page, 'Actions for billing-exporter', 'Lock');
    await row.getByText('Locked').waitFor();
    const locked = await callApi<ServiceIdOnWire>(server.url, adminToken, `/v1/serviceids/${sid.id}`);
    assert.equal(locked.body.locked, true);
    await page.getByRole('button', { name: 'Actions for billing-exporter' }).click();
    assert.equal(await page.getByRole('menuitem', { name: 'Delete' }).isDisabled(), true, 'locked: no delete');
    await page.getByRole('menuitem', { name: 'Unlock' }).click();
    await row.getByText('Active').waitFor();
    assert.equal(
      (await callApi<ServiceIdOnWire>(server.url, adminToken, `/v1/serviceids/${sid.id}`)).body.locked,
      false,
    );

    await rowAction(page, 'Actions for billing-exporter', 'Delete');
    const deleteSid = page.getByRole('dialog', { name: 'Delete service ID "billing-exporter"?' });
    await assertAccessible(page, 'the delete service ID confirmation');
    await deleteSid.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No service IDs yet').waitFor();
    assert.equal((await callApi(server.url, adminToken, `/v1/serviceids/${sid.id}`)).status, 404);

    // A removed service ID's page says so in place.
    await page.goto(`${server.url}/iam/serviceids/${sid.id}`);
    const missing = page.getByRole('alert').filter({ hasText: 'Could not load the service ID' });
    await missing.waitFor();
    assert.match(await missing.innerText(), /\(HTTP 404\)/);
    await assertAccessible(page, 'service ID details (not found)');
    await context.close();
  });

  test('a user without access to service IDs sees the API refusal in place, and cannot create one', async () => {
    const { app } = server;
    const member = await app.createUser({ name: 'Mo Member' });
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, server.url, member);
    await page.goto(`${server.url}/iam/serviceids`);
    const refused = page.getByRole('alert').filter({ hasText: 'Could not load service IDs' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /\(HTTP 403\)/);
    await assertAccessible(page, 'Service IDs (403)');
    const forced = await callApi(server.url, await member.token(), '/v1/serviceids', {
      method: 'POST',
      body: { account_id: app.accountId, name: 'sneaky' },
    });
    assert.equal(forced.status, 403);
    await context.close();
  });
});
