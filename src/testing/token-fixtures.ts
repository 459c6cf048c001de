import assert from 'node:assert/strict';
import os from 'node:os';
import type { LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { TestApp } from './test-app.js';

/**
 * Test fixtures for the token endpoint: form posts and assertions on IBM's token bodies.
 */

/** Limits that tests not about rate limiting never reach (their clock stands still). */
export const GENEROUS_LIMITS = {
  perIp: { ratePerSecond: 1_000, burst: 100_000 },
  perKey: { ratePerSecond: 1_000, burst: 100_000 },
} as const;

export const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;
export const BX_BASIC = `Basic ${Buffer.from('bx:bx').toString('base64')}`;
export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
export const REFRESH_TOKEN_SHAPE = /^vigil_rt_[A-Za-z0-9]{36}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** POSTs a form to the token endpoint, fields in the given order. */
export function postToken(
  app: TestApp,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.http.inject({
    method: 'POST',
    url: '/identity/token',
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** The apikey grant as IamAuthenticator sends it. */
export function apikeyGrant(app: TestApp, apikey: string, headers: Record<string, string> = {}) {
  return postToken(app, { apikey, grant_type: APIKEY_GRANT, response_type: 'cloud_iam' }, headers);
}

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

/** Decodes a compact JWT, asserting unpadded base64url segments (the CLI decodes with RawURLEncoding). */
export function decodeJwt(token: string): DecodedJwt {
  assert.match(token, JWT_SHAPE);
  const [header, payload] = token.split('.') as [string, string, string];
  const json = (segment: string) =>
    JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(header), payload: json(payload) };
}

/** Verifies a token against the JWKS that vigil serves, as a third party would. */
export async function verifyWithJwks(app: TestApp, token: string): Promise<void> {
  const jwks = (await app.http.inject({ method: 'GET', url: '/identity/keys' })).json() as JSONWebKeySet;
  await jwtVerify(token, createLocalJWKSet(jwks), {
    algorithms: ['RS256'],
    issuer: `${app.iam.ctx.publicUrl}/identity`,
    currentDate: new Date(app.clock.now()),
  });
}

/** The current signing key's kid. */
export function currentKid(app: TestApp): string {
  return app.iam.signingKeys.current().kid;
}

/**
 * Asserts an answer in IBM's token error shape: status, then the whole body, with the context's generated values
 * (times, ids) checked for their format.
 */
export function assertTokenError(
  res: LightMyRequestResponse,
  status: number,
  expected: { errorCode: string; errorMessage: string; errorDetails?: string },
): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json() as { context: Record<string, string> };
  const { context } = body;
  assert.match(context['startTime'] ?? '', /^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d:\d{3} UTC$/);
  assert.match(context['endTime'] ?? '', /^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d:\d{3} UTC$/);
  assert.match(context['elapsedTime'] ?? '', /^\d+$/);
  assert.deepEqual(body, {
    ...expected,
    context: {
      requestId: res.headers['x-request-id'],
      requestType: 'incoming.Identity_Token',
      userAgent: 'lightMyRequest',
      url: 'http://vigil.test',
      instanceId: os.hostname(),
      threadId: String(process.pid),
      host: os.hostname(),
      startTime: context['startTime'],
      endTime: context['endTime'],
      elapsedTime: context['elapsedTime'],
      locale: 'en_US',
      clusterName: 'vigil',
    },
  });
}

export const API_KEY_NOT_FOUND = { errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' };

/** BXNIM0109E for one missing form field. */
export function missing(property: string) {
  return {
    errorCode: 'BXNIM0109E',
    errorMessage: 'Property missing or empty.',
    errorDetails: `Property '${property}' either missing or empty.`,
  };
}

/** The audit events of an action, oldest first. */
export async function auditEvents(app: TestApp, action: string) {
  const rows = await app.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}
