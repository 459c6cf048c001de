import { Type, type Static } from 'typebox';
import { DisplayName, DisplayText } from '../../platform/text/display-text.js';

/**
 * The wire shapes of `/v1/apikeys`, as IBM's IamIdentityV1 SDK sends and reads them (reference/ibm-iam.md §2). A key
 * is rendered only through {@link ApiKeySchema}: it has no hash field, and `apikey` (the value) is filled only by
 * create, so a stored secret can never reach a response.
 */
const IbmTime = (description: string) =>
  Type.String({ description: `${description} IBM form, e.g. 2026-01-01T00:00+0000.` });

export const ActivitySchema = Type.Object(
  {
    last_authn: Type.Optional(IbmTime('Last time the credential obtained a token.')),
    authn_count: Type.Integer({ description: 'How many tokens it obtained.' }),
  },
  { title: 'Activity' },
);
export type ActivityBody = Static<typeof ActivitySchema>;

const ActionWhenLeakedSchema = Type.Union([Type.Literal('none'), Type.Literal('disable'), Type.Literal('delete')], {
  description: 'What to do when the key is found leaked (recorded; vigil does not scan for leaks).',
});

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ description: '`ApiKey-<uuid>`.' }),
    entity_tag: Type.String({ description: '`<version>-<32 hex>`; changes on every update. Send it in If-Match.' }),
    crn: Type.String(),
    locked: Type.Boolean({ description: 'A locked key cannot be changed or deleted; it still obtains tokens.' }),
    disabled: Type.Boolean({ description: 'A disabled key obtains no tokens.' }),
    created_at: IbmTime('Creation time.'),
    created_by: Type.String({ description: 'iam_id of the creator.' }),
    modified_at: IbmTime('Last change.'),
    name: Type.String(),
    support_sessions: Type.Boolean(),
    action_when_leaked: Type.String(),
    expires_at: Type.Optional(IbmTime('After this the key obtains no tokens.')),
    description: Type.Optional(Type.String()),
    iam_id: Type.String({ description: 'The owner: a user (`IBMid-…`) or a service ID (`iam-ServiceId-…`).' }),
    account_id: Type.String(),
    apikey: Type.Optional(Type.String({ description: 'The key value: returned once, by create, and never again.' })),
    activity: Type.Optional(ActivitySchema),
  },
  { title: 'ApiKey' },
);
export type ApiKeyBody = Static<typeof ApiKeySchema>;

export const ApiKeyListSchema = Type.Object(
  {
    offset: Type.Integer(),
    limit: Type.Integer({ description: 'The page size asked for.' }),
    first: Type.Optional(Type.String({ description: 'Full URL of the first page.' })),
    previous: Type.Optional(Type.String({ description: 'Full URL of the previous page.' })),
    next: Type.Optional(Type.String({ description: 'Full URL of the next page; absent on the last page.' })),
    apikeys: Type.Array(ApiKeySchema),
  },
  { title: 'ApiKeyList' },
);
export type ApiKeyListBody = Static<typeof ApiKeyListSchema>;

const Name = DisplayName({ minLength: 1, maxLength: 300 });
const Description = DisplayText({ maxLength: 2000 });
const ExpiresAt = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'e.g. 2049-01-02T18:30:00+0000 (any ISO 8601 form).',
});

/** The fields of a new key, shared by `POST /v1/apikeys` and the `apikey` object of `POST /v1/serviceids`. */
const newKeyFields = {
  name: Name,
  description: Type.Optional(Description),
  apikey: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'Your own value; it must be a well-formed vigil key (`vigil_ak_…`). Leave it out to get one.',
    }),
  ),
  store_value: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility; vigil never stores values.' })),
  support_sessions: Type.Optional(Type.Boolean()),
  action_when_leaked: Type.Optional(ActionWhenLeakedSchema),
  expires_at: Type.Optional(ExpiresAt),
};

export const NewApiKeyBodySchema = Type.Object(newKeyFields, { title: 'ApiKeyInsideCreateServiceIdRequest' });
export type NewApiKeyBody = Static<typeof NewApiKeyBodySchema>;

export const CreateApiKeyBodySchema = Type.Object({
  ...newKeyFields,
  iam_id: Type.String({ minLength: 1, maxLength: 200, description: 'The owner: yourself, or a service ID.' }),
  account_id: Type.Optional(Type.String({ maxLength: 100, description: 'Must be your account when given.' })),
});
export type CreateApiKeyBody = Static<typeof CreateApiKeyBodySchema>;

export const CreateApiKeyHeadersSchema = Type.Object({
  'entity-lock': Type.Optional(Type.Boolean({ description: 'Create the key locked.' })),
  'entity-disable': Type.Optional(Type.Boolean({ description: 'Create the key disabled.' })),
});

export const UpdateApiKeyBodySchema = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  support_sessions: Type.Optional(Type.Boolean()),
  action_when_leaked: Type.Optional(ActionWhenLeakedSchema),
  expires_at: Type.Optional(
    Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: 'A date, or "" / null to remove it.' }),
  ),
});
export type UpdateApiKeyBody = Static<typeof UpdateApiKeyBodySchema>;

export const IfMatchHeadersSchema = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The entity_tag read before (required), or *.' })),
});

const ApiKeySortSchema = Type.Union([
  Type.Literal('name'),
  Type.Literal('description'),
  Type.Literal('created_at'),
  Type.Literal('created_by'),
]);
export type ApiKeySort = Static<typeof ApiKeySortSchema>;
/** `asc` (the default) or `desc`: the order of a list of keys or service IDs. */
export const OrderSchema = Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' });
export type SortOrder = Static<typeof OrderSchema>;

export const PageSizeSchema = Type.Integer({ minimum: 1, maximum: 100, default: 20, description: '1–100.' });
export const PageTokenSchema = Type.String({ maxLength: 200, description: 'From the `next` link of a page.' });

export const ListApiKeysQuerySchema = Type.Object({
  account_id: Type.Optional(Type.String({ maxLength: 100, description: 'Must be your account when given.' })),
  iam_id: Type.Optional(Type.String({ maxLength: 200, description: 'Whose keys (scope=entity); default: yours.' })),
  pagesize: Type.Optional(PageSizeSchema),
  pagetoken: Type.Optional(PageTokenSchema),
  scope: Type.Optional(
    Type.Union([Type.Literal('entity'), Type.Literal('account')], {
      default: 'entity',
      description: '`entity`: one owner’s keys; `account`: every key of the account (administrators).',
    }),
  ),
  type: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('serviceid')])),
  sort: Type.Optional(ApiKeySortSchema),
  order: Type.Optional(OrderSchema),
  include_history: Type.Optional(Type.Boolean({ description: 'Accepted; vigil keeps history in the audit log.' })),
  include_activity: Type.Optional(
    Type.Boolean({ description: 'Add `activity` (last use, use count) to each key (a vigil extension).' }),
  ),
});
export type ListApiKeysQuery = Static<typeof ListApiKeysQuerySchema>;

export const GetApiKeyQuerySchema = Type.Object({
  include_history: Type.Optional(Type.Boolean({ description: 'Accepted; vigil keeps history in the audit log.' })),
  include_activity: Type.Optional(Type.Boolean({ description: 'Add `activity` (last use, use count).' })),
});

export const ApiKeyDetailsHeadersSchema = Type.Object({
  'iam-apikey': Type.Optional(Type.String({ maxLength: 256, description: 'The API key value to describe.' })),
});

export const ApiKeyParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
