import type { LightMyRequestResponse } from 'fastify';
import type { MonitorInstanceRow, MonitorTeamRow } from '../platform/db/schema.js';
import {
  encodeV1,
  encodeV2,
  snappy,
  type V1RequestInput,
  type V1TimeSeriesInput,
  type V2RequestInput,
} from '../metrics/remote-write/testing/encoder.js';
import { grantMonitorRole, iamHeaders, insertInstance, insertTeam } from './monitor-fixtures.js';
import type { TestApp } from './test-app.js';

/** Monitor API tokens of the identities a metrics test needs, in one instance, plus a stranger's in another. */
export interface MetricsWorld {
  readonly instance: MonitorInstanceRow;
  readonly operations: MonitorTeamRow;
  /** A team scoped to `team = "a"`. */
  readonly teamA: MonitorTeamRow;
  readonly tokens: {
    /** The account administrator, in the default team (Manager: everything). */
    readonly admin: string;
    /** A Writer (ROLE_TEAM_EDIT) of the default team. */
    readonly writer: string;
    /** A Reader (ROLE_TEAM_READ) of the default team. */
    readonly reader: string;
    /** A Writer of team A (scope team="a"). */
    readonly teamA: string;
    /** The administrator's token in another instance of the same account. */
    readonly otherInstance: string;
  };
  readonly other: MonitorInstanceRow;
}

async function monitorToken(app: TestApp, iamToken: string, instanceGuid: string, teamId?: number): Promise<string> {
  const response = await app.http.inject({
    method: 'GET',
    url: '/api/token',
    headers: iamHeaders(iamToken, instanceGuid, teamId),
  });
  if (response.statusCode !== 200) throw new Error(`GET /api/token: ${response.statusCode} ${response.body}`);
  return (response.json() as { token: { key: string } }).token.key;
}

/** Two instances, a default team and a scoped team, and the tokens of an admin, a writer, a reader and team A. */
export async function metricsWorld(app: TestApp): Promise<MetricsWorld> {
  const { instance, operations } = await insertInstance(app, { name: 'metrics' });
  const { instance: other } = await insertInstance(app, { name: 'elsewhere' });
  const teamA = await insertTeam(app, instance.guid, 'Team A', { filter: 'team = "a"' });
  const writer = await app.createUser();
  const reader = await app.createUser();
  const scoped = await app.createUser();
  await grantMonitorRole(app, writer.iamId, 'Writer', { instanceGuid: instance.guid, teamId: operations.id });
  await grantMonitorRole(app, reader.iamId, 'Reader', { instanceGuid: instance.guid, teamId: operations.id });
  await grantMonitorRole(app, scoped.iamId, 'Writer', { instanceGuid: instance.guid, teamId: teamA.id });
  const adminToken = await app.admin.token();
  return {
    instance,
    operations,
    teamA,
    other,
    tokens: {
      admin: await monitorToken(app, adminToken, instance.guid, operations.id),
      writer: await monitorToken(app, await writer.token(), instance.guid, operations.id),
      reader: await monitorToken(app, await reader.token(), instance.guid, operations.id),
      teamA: await monitorToken(app, await scoped.token(), instance.guid, teamA.id),
      otherInstance: await monitorToken(app, adminToken, other.guid),
    },
  };
}

/** A remote-write 1.0 request as Prometheus sends it. */
export function postV1(
  app: TestApp,
  token: string,
  body: V1RequestInput | Buffer,
  options: { url?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  return app.http.inject({
    method: 'POST',
    url: options.url ?? '/prometheus/remote/write',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...options.headers,
    },
    payload: Buffer.isBuffer(body) ? body : snappy(encodeV1(body)),
  });
}

/** A remote-write 2.0 request. */
export function postV2(app: TestApp, token: string, body: V2RequestInput): Promise<LightMyRequestResponse> {
  return app.http.inject({
    method: 'POST',
    url: '/prometheus/remote/write',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '2.0.0',
    },
    payload: snappy(encodeV2(body)),
  });
}

/** One series with float samples, labels given as an object (sorted by name, as senders must). */
export function series(labels: Record<string, string>, samples: [number, number][]): V1TimeSeriesInput {
  return {
    labels: Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value })),
    samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
  };
}
