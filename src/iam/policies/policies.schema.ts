import { Type, type Static } from 'typebox';
import { DisplayText } from '../../platform/text/display-text.js';

/**
 * The wire shapes of IBM's access policies (`/v1/policies`, reference/ibm-iam.md §4) and of vigil's decision endpoint
 * (`/v2/authz`, modelled on IBM's PDP). Subjects and resources are echoed exactly as the client sent them, so their
 * objects allow extra keys and attribute values are not coerced; the service checks what the schema lets through.
 */

const AttributeSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. `iam_id`, `accountId`, `serviceName`.' }),
    value: Type.Unknown({ description: 'A string of 1–1000 characters.' }),
    operator: Type.Optional(
      Type.String({ description: '`stringEquals` (the default) or `stringMatch` (`*` and `?` wildcards).' }),
    ),
  },
  { additionalProperties: true, title: 'PolicyAttribute' },
);

const TagSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    value: Type.String({ minLength: 1, maxLength: 256 }),
    operator: Type.Optional(Type.String()),
  },
  { additionalProperties: true, title: 'ResourceTag' },
);

const PolicySubjectSchema = Type.Object(
  {
    attributes: Type.Array(AttributeSchema, {
      minItems: 1,
      maxItems: 10,
      description: 'For an access policy, one attribute: `iam_id` (user or service ID) or `access_group_id`.',
    }),
  },
  { additionalProperties: true, title: 'PolicySubject' },
);

const PolicyResourceSchema = Type.Object(
  {
    attributes: Type.Array(AttributeSchema, {
      minItems: 1,
      maxItems: 20,
      description: '`accountId` (required, the caller’s account) plus `serviceName`, `serviceInstance`, `sysdigTeam`…',
    }),
    tags: Type.Optional(
      Type.Array(TagSchema, {
        maxItems: 10,
        description: 'Access-management tags. vigil’s resources carry none, so a tagged policy grants nothing.',
      }),
    ),
  },
  { additionalProperties: true, title: 'PolicyResource' },
);

const RoleInputSchema = Type.Object(
  {
    role_id: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'A role CRN, e.g. `crn:v1:bluemix:public:iam::::serviceRole:Reader`.',
    }),
  },
  { additionalProperties: true },
);

const PolicyRoleSchema = Type.Object(
  {
    role_id: Type.String(),
    display_name: Type.String(),
    description: Type.String(),
  },
  { title: 'PolicyRole' },
);

const PolicyType = Type.Union([Type.Literal('access'), Type.Literal('authorization')]);
const PolicyState = Type.Union([Type.Literal('active'), Type.Literal('deleted')]);

export const PolicyBodySchema = Type.Object(
  {
    type: PolicyType,
    subjects: Type.Array(PolicySubjectSchema, { minItems: 1, maxItems: 1, description: 'Exactly one subject.' }),
    roles: Type.Array(RoleInputSchema, { minItems: 1, maxItems: 20 }),
    resources: Type.Array(PolicyResourceSchema, { minItems: 1, maxItems: 1, description: 'Exactly one resource.' }),
    description: Type.Optional(DisplayText({ maxLength: 300 })),
  },
  { title: 'PolicyRequest' },
);
export type PolicyBody = Static<typeof PolicyBodySchema>;

export const PolicySchema = Type.Object(
  {
    id: Type.String(),
    type: PolicyType,
    description: Type.Optional(Type.String()),
    subjects: Type.Array(PolicySubjectSchema, { description: 'Exactly as sent.' }),
    roles: Type.Array(PolicyRoleSchema),
    resources: Type.Array(PolicyResourceSchema, { description: 'Exactly as sent.' }),
    href: Type.String({ description: 'Full URL of this policy.' }),
    created_at: Type.String({ description: 'ISO 8601 with milliseconds, e.g. `2026-01-01T00:00:00.000Z`.' }),
    created_by_id: Type.String(),
    last_modified_at: Type.String(),
    last_modified_by_id: Type.String(),
    state: PolicyState,
  },
  { title: 'Policy' },
);
export type PolicyWire = Static<typeof PolicySchema>;

export const PolicyListQuerySchema = Type.Object({
  account_id: Type.Optional(Type.String({ maxLength: 64, description: 'Required: the caller’s account.' })),
  iam_id: Type.Optional(Type.String({ maxLength: 200, description: 'Policies of this user or service ID.' })),
  access_group_id: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Optional(PolicyType),
  service_type: Type.Optional(
    Type.Union([Type.Literal('service'), Type.Literal('platform_service')], {
      description: '`platform_service` for IAM services (`iam-identity`…), `service` for the others.',
    }),
  ),
  tag_name: Type.Optional(Type.String({ maxLength: 128 })),
  tag_value: Type.Optional(Type.String({ maxLength: 256 })),
  sort: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'A policy field (`id`, `type`, `created_at`, `last_modified_at`…); prefix `-` for descending.',
    }),
  ),
  format: Type.Optional(Type.String({ maxLength: 40, description: 'Accepted and ignored.' })),
  state: Type.Optional(PolicyState),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Page size (1–100, default 50).' })),
  start: Type.Optional(Type.String({ maxLength: 40, description: 'Page token, from `next.start`.' })),
});
export type PolicyListQuery = Static<typeof PolicyListQuerySchema>;

export const PolicyListSchema = Type.Object(
  {
    limit: Type.Integer(),
    first: Type.Object({ href: Type.String() }),
    next: Type.Optional(
      Type.Object({ href: Type.String(), start: Type.String() }, { description: 'Absent on the last page.' }),
    ),
    policies: Type.Array(PolicySchema),
  },
  { title: 'PolicyCollection' },
);
export type PolicyListWire = Static<typeof PolicyListSchema>;

export const PolicyParamsSchema = Type.Object({
  policy_id: Type.String({ minLength: 1, maxLength: 100 }),
});

export const IfMatchHeadersSchema = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag of GET, or `*`. Required.' })),
});

export const PolicyStateBodySchema = Type.Object(
  { state: PolicyState },
  { title: 'PolicyStateRequest', description: '`deleted` removes the access at once; `active` restores it.' },
);

// --- /v2/authz ---------------------------------------------------------------------------------------------------

const AuthzRequestSchema = Type.Object(
  {
    request_id: Type.Optional(Type.String({ maxLength: 100, description: 'Echoed in the response.' })),
    subject: Type.Object({
      attributes: Type.Object(
        { id: Type.String({ minLength: 1, maxLength: 200, description: 'The subject’s iam_id.' }) },
        { additionalProperties: true },
      ),
    }),
    action: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. `sysdig-monitor.launch.viewer`.' }),
    resource: Type.Object({
      attributes: Type.Object(
        {
          accountId: Type.String({ minLength: 1, maxLength: 64 }),
          serviceName: Type.String({ minLength: 1, maxLength: 100 }),
          serviceInstance: Type.Optional(Type.String({ maxLength: 200 })),
          sysdigTeam: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: Type.String({ maxLength: 1000 }) },
      ),
    }),
  },
  { title: 'AuthzRequest' },
);

/** An array of up to 100 requests; a single request object is accepted too (the route wraps it first). */
export const AuthzBodySchema = Type.Array(AuthzRequestSchema, {
  minItems: 1,
  maxItems: 100,
  description: 'Up to 100 requests; one request object is accepted too.',
});
export type AuthzBody = Static<typeof AuthzBodySchema>;

export const AuthzResponseSchema = Type.Object(
  {
    responses: Type.Array(
      Type.Object({
        request_id: Type.Optional(Type.String()),
        status: Type.String({ description: '`200`: the decision was made.' }),
        decision: Type.Union([Type.Literal('Permit'), Type.Literal('Deny')]),
      }),
    ),
  },
  { title: 'AuthzResponse' },
);
export type AuthzResponseWire = Static<typeof AuthzResponseSchema>;

// --- /v2/roles ---------------------------------------------------------------------------------------------------

export const RolesQuerySchema = Type.Object({
  service_name: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. `sysdig-monitor`, `iam-identity`.' })),
});

const RoleSchema = Type.Object(
  {
    display_name: Type.String(),
    description: Type.String(),
    actions: Type.Array(Type.String()),
    crn: Type.String(),
  },
  { title: 'Role' },
);

export const RoleListSchema = Type.Object(
  {
    custom_roles: Type.Array(RoleSchema, { description: 'Always empty: vigil has no custom roles.' }),
    service_roles: Type.Array(RoleSchema),
    system_roles: Type.Array(RoleSchema),
  },
  { title: 'RoleCollection' },
);
export type RoleListWire = Static<typeof RoleListSchema>;
