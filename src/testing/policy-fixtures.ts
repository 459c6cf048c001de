import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createServiceId } from './identity-fixtures.js';
import { bearer, type TestApp, type TestUser } from './test-app.js';
import { ROLE_DESCRIPTIONS, type RoleName } from '../iam/policies/roles.js';

/** Test fixtures for the policy and decision routes: request bodies, direct inserts and IBM error bodies. */

export const ROLE = {
  Viewer: 'crn:v1:bluemix:public:iam::::role:Viewer',
  Operator: 'crn:v1:bluemix:public:iam::::role:Operator',
  Editor: 'crn:v1:bluemix:public:iam::::role:Editor',
  Administrator: 'crn:v1:bluemix:public:iam::::role:Administrator',
  Reader: 'crn:v1:bluemix:public:iam::::serviceRole:Reader',
  Writer: 'crn:v1:bluemix:public:iam::::serviceRole:Writer',
  Manager: 'crn:v1:bluemix:public:iam::::serviceRole:Manager',
} as const satisfies Record<RoleName, string>;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ETAG = /^\d+-[0-9a-f]{32}$/;

export interface PolicyOptions {
  readonly roles?: readonly RoleName[];
  readonly serviceName?: string;
  readonly extra?: readonly { name: string; value: string; operator?: string }[];
  readonly description?: string;
}

/** An access policy body for `iamId` on a service of `accountId` (sysdig-monitor Reader unless told). */
export function accessPolicy(accountId: string, iamId: string, options: PolicyOptions = {}) {
  return {
    type: 'access' as const,
    ...(options.description !== undefined ? { description: options.description } : {}),
    subjects: [{ attributes: [{ name: 'iam_id', value: iamId }] }],
    roles: (options.roles ?? ['Reader']).map((role) => ({ role_id: ROLE[role] })),
    resources: [
      {
        attributes: [
          { name: 'accountId', value: accountId, operator: 'stringEquals' },
          { name: 'serviceName', value: options.serviceName ?? 'sysdig-monitor', operator: 'stringEquals' },
          ...(options.extra ?? []),
        ],
      },
    ],
  };
}

/** The roles of a policy as the API renders them. */
export function renderedRoles(...roles: RoleName[]) {
  return roles.map((role) => ({ role_id: ROLE[role], display_name: role, description: ROLE_DESCRIPTIONS[role] }));
}

/** POST /v1/policies as `token`. */
export function createPolicy(app: TestApp, token: string, body: unknown): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'POST', url: '/v1/policies', headers: bearer(token), payload: body as object });
}

/** Creates a policy as an account's administrator and returns its id and ETag. */
export async function adminCreates(
  app: TestApp,
  admin: TestUser,
  body: unknown,
): Promise<{ id: string; etag: string }> {
  const res = await createPolicy(app, await admin.token(), body);
  assert.equal(res.statusCode, 201, res.body);
  return { id: (res.json() as { id: string }).id, etag: String(res.headers.etag) };
}

/** A service ID of the account, inserted directly (not through the API under test); returns its iam_id. */
export async function insertServiceId(app: TestApp, accountId: string): Promise<string> {
  return (await createServiceId(app, accountId, 'robot')).iamId;
}

export const errors = {
  missingToken: {
    code: 'missing_token',
    message_code: 'BXNIM0308E',
    message: 'Authorization header with a Bearer token is required.',
  },
  forbidden: (what: string) => ({
    code: 'insufficent_permissions',
    message_code: 'BXNIM0513E',
    message: `You are not authorized to ${what}.`,
  }),
  invalidBody: (message: string) => ({ code: 'invalid_body', message_code: 'BXNIM0109E', message }),
  invalidRequest: (message: string) => ({ code: 'invalid_request', message }),
  policyNotFound: (id: string) => ({ code: 'policy_not_found', message: `Policy with ID ${id} could not be found.` }),
  roleNotFound: (roleId: string) => ({
    code: 'role_not_found',
    message: `Role ${roleId} does not exist or cannot be granted on this resource.`,
  }),
  conflict: (existingId: string) => ({
    code: 'policy_conflict_error',
    message: `Failed to create policy: it duplicates policy ${existingId}.`,
    details: existingId,
  }),
  ifMatchRequired: {
    code: 'missing_if_match',
    message_code: 'BXNIM0500E',
    message: 'The If-Match header is required. Use the entity_tag from GET, or *.',
  },
  stale: {
    code: 'conflict',
    message_code: 'BXNIM0501E',
    message: 'The entity has changed since it was read: If-Match does not match its entity_tag.',
  },
} as const;
