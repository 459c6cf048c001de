import assert from 'node:assert/strict';
import { it } from 'node:test';
import { grantMonitorRole, iamHeaders, insertInstance, insertTeam } from '../../testing/monitor-fixtures.js';
import { describeEachDatabase } from '../../testing/test-app.js';

/**
 * The Monitor principal that every Monitor API route receives (and the metrics and alerts routes will): who, in which
 * instance and team, with which role, and the team's scope as the label matchers a query or a write is confined to.
 */
describeEachDatabase('Monitor principal', (t) => {
  it("carries the team's scope as Prometheus label matchers, the same through an IAM token and a Monitor token", async () => {
    const app = t.app();
    const { instance, operations } = await insertInstance(app);
    const prod = await insertTeam(app, instance.guid, 'prod', { filter: 'kubernetes.namespace.name = "prod"' });
    await app.database.db
      .updateTable('monitor_teams')
      .set({
        scope: JSON.stringify([
          { label: 'kubernetes.namespace.name', op: '=', values: ['prod'] },
          { label: 'container.image', op: 'starts with', values: ['nginx:1.'] },
        ]),
      })
      .where('id', '=', prod.id)
      .execute();
    const user = await app.createUser();
    await grantMonitorRole(app, user.iamId, 'Writer', { instanceGuid: instance.guid, teamId: prod.id });

    const viaIam = await app.monitor.authenticator.authenticate(iamHeaders(await user.token(), instance.guid, prod.id));
    assert.deepEqual(
      [viaIam.instance.guid, viaIam.team, viaIam.teamRole, viaIam.isInstanceAdmin],
      [
        instance.guid,
        {
          id: prod.id,
          name: 'prod',
          isDefault: false,
          scope: [
            { name: 'kubernetes_namespace_name', type: '=', value: 'prod' },
            { name: 'container_image', type: '=~', value: 'nginx:1\\..*' },
          ],
        },
        'ROLE_TEAM_EDIT',
        false,
      ],
    );
    const token = await app.http.inject({
      url: '/api/token',
      headers: iamHeaders(await user.token(), instance.guid, prod.id),
    });
    const key = (token.json() as { token: { key: string } }).token.key;
    const viaToken = await app.monitor.authenticator.authenticate({ authorization: `Bearer ${key}` });
    assert.deepEqual(viaToken.team, viaIam.team);

    // The default team sees everything: no matcher.
    const admin = await app.monitor.authenticator.authenticate(
      iamHeaders(await app.admin.token(), instance.guid, operations.id),
    );
    assert.deepEqual(admin.team.scope, []);
  });
});
