import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/**
 * What the IAM page tests check behind the console: the API as a script sees it (tokens at /identity/token, calls with
 * a bearer token), and small steps on Carbon's widgets.
 */

export function tokenGrant(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${url}/identity/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

/** Exchanges an API key the way IBM's SDKs do; the response as it came. */
export function apiKeyGrant(url: string, apikey: string): Promise<Response> {
  return tokenGrant(url, { grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey });
}

/** An access token for an API key, failing the test when the grant is refused. */
export async function accessTokenFor(url: string, apikey: string): Promise<string> {
  const response = await apiKeyGrant(url, apikey);
  assert.equal(response.status, 200, `the API key grant answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The claims of a JWT (not verified: the server that issued it is the one under test). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  assert.ok(payload, 'not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A call with a bearer token: the status and the parsed body (undefined when empty). */
export async function callApi<T = unknown>(
  url: string,
  token: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface PolicyOnWire {
  id: string;
  state: string;
  roles: { role_id: string; display_name: string }[];
  subjects: { attributes: { name: string; value: string }[] }[];
  resources: { attributes: { name: string; value: string }[] }[];
}

/** The active access policies of one subject, as GET /v1/policies lists them to the administrator. */
export async function policiesOf(
  url: string,
  adminToken: string,
  accountId: string,
  iamId: string,
): Promise<PolicyOnWire[]> {
  const query = new URLSearchParams({ account_id: accountId, iam_id: iamId, type: 'access' });
  const listed = await callApi<{ policies: PolicyOnWire[] }>(url, adminToken, `/v1/policies?${query}`);
  assert.equal(listed.status, 200);
  return listed.body.policies.filter((policy) => policy.state === 'active');
}

/** A policy's resource attributes as a name → value record. */
export function resourceOf(policy: PolicyOnWire): Record<string, string> {
  return Object.fromEntries((policy.resources[0]?.attributes ?? []).map((a) => [a.name, a.value]));
}

/** Opens a row's overflow menu and picks an item. */
export async function rowAction(page: Page, menuName: string | RegExp, item: string): Promise<void> {
  await page.getByRole('button', { name: menuName }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}
