import { Type, type Static } from 'typebox';
import { DisplayName, DisplayText } from '../../platform/text/display-text.js';
import {
  ActivitySchema,
  ApiKeySchema,
  NewApiKeyBodySchema,
  OrderSchema,
  PageSizeSchema,
  PageTokenSchema,
} from '../api-keys/api-keys.schema.js';

/** The wire shapes of `/v1/serviceids`, as IBM's IamIdentityV1 SDK sends and reads them (reference/ibm-iam.md §2). */
export const ServiceIdSchema = Type.Object(
  {
    id: Type.String({ description: '`ServiceId-<uuid>`.' }),
    iam_id: Type.String({ description: '`iam-ServiceId-<uuid>`: the subject of its tokens and policies.' }),
    entity_tag: Type.String({ description: '`<version>-<32 hex>`; changes on every update. Send it in If-Match.' }),
    crn: Type.String(),
    locked: Type.Boolean({ description: 'A locked service ID cannot be changed or deleted.' }),
    created_at: Type.String({ description: 'IBM form, e.g. 2026-01-01T00:00+0000.' }),
    modified_at: Type.String({ description: 'IBM form, e.g. 2026-01-01T00:00+0000.' }),
    account_id: Type.String(),
    group_id: Type.Optional(Type.String({ description: 'Only with show_group_id=true.' })),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    unique_instance_crns: Type.Array(Type.String()),
    apikey: Type.Optional(ApiKeySchema),
    activity: Type.Optional(ActivitySchema),
  },
  { title: 'ServiceId' },
);
export type ServiceIdBody = Static<typeof ServiceIdSchema>;

export const ServiceIdListSchema = Type.Object(
  {
    offset: Type.Integer(),
    limit: Type.Integer({ description: 'The page size asked for.' }),
    first: Type.Optional(Type.String({ description: 'Full URL of the first page.' })),
    previous: Type.Optional(Type.String({ description: 'Full URL of the previous page.' })),
    next: Type.Optional(Type.String({ description: 'Full URL of the next page; absent on the last page.' })),
    serviceids: Type.Array(ServiceIdSchema),
  },
  { title: 'ServiceIdList' },
);
export type ServiceIdListBody = Static<typeof ServiceIdListSchema>;

const Name = DisplayName({ minLength: 1, maxLength: 300 });
const Description = DisplayText({ maxLength: 2000 });
const UniqueInstanceCrns = Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 50 });

export const CreateServiceIdBodySchema = Type.Object({
  account_id: Type.String({ minLength: 1, maxLength: 100, description: 'Must be your account.' }),
  name: Name,
  description: Type.Optional(Description),
  group_id: Type.Optional(Type.String({ maxLength: 200 })),
  unique_instance_crns: Type.Optional(UniqueInstanceCrns),
  apikey: Type.Optional(NewApiKeyBodySchema),
});
export type CreateServiceIdBody = Static<typeof CreateServiceIdBodySchema>;

export const CreateServiceIdHeadersSchema = Type.Object({
  'entity-lock': Type.Optional(Type.Boolean({ description: 'Create the service ID locked.' })),
});

export const UpdateServiceIdBodySchema = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  unique_instance_crns: Type.Optional(UniqueInstanceCrns),
});
export type UpdateServiceIdBody = Static<typeof UpdateServiceIdBodySchema>;

const ShowGroupId = Type.Optional(Type.Boolean({ description: 'Include group_id in the response.' }));

export const ShowGroupIdQuerySchema = Type.Object({ show_group_id: ShowGroupId });

const ServiceIdSortSchema = Type.Union([
  Type.Literal('name'),
  Type.Literal('description'),
  Type.Literal('created_at'),
  Type.Literal('modified_at'),
]);
export type ServiceIdSort = Static<typeof ServiceIdSortSchema>;

export const ListServiceIdsQuerySchema = Type.Object({
  account_id: Type.Optional(
    Type.String({ maxLength: 100, description: 'Your account; required unless pagetoken is given.' }),
  ),
  group_id: Type.Optional(Type.String({ maxLength: 200 })),
  name: Type.Optional(Type.String({ maxLength: 300, description: 'Only service IDs with exactly this name.' })),
  pagesize: Type.Optional(PageSizeSchema),
  pagetoken: Type.Optional(PageTokenSchema),
  sort: Type.Optional(ServiceIdSortSchema),
  order: Type.Optional(OrderSchema),
  include_history: Type.Optional(Type.Boolean({ description: 'Accepted; vigil keeps history in the audit log.' })),
  show_group_id: ShowGroupId,
});
export type ListServiceIdsQuery = Static<typeof ListServiceIdsQuerySchema>;

export const GetServiceIdQuerySchema = Type.Object({
  include_history: Type.Optional(Type.Boolean({ description: 'Accepted; vigil keeps history in the audit log.' })),
  include_activity: Type.Optional(Type.Boolean({ description: 'Add `activity`: uses of its API keys.' })),
  show_group_id: ShowGroupId,
});

export const ServiceIdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
