import { Type, type Static } from 'typebox';

/** `GET /v1/audit` filters. Times are ISO 8601; `start` is the cursor found in a `next` link. */
export const AuditQuerySchema = Type.Object({
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'e.g. `user.create`' })),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
  actor_iam_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  target_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  since: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Events at or after (ISO 8601).' })),
  until: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Events before (ISO 8601).' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  start: Type.Optional(Type.Integer({ minimum: 1, description: 'Only events older than this cursor.' })),
});
export type AuditQuery = Static<typeof AuditQuerySchema>;

const AuditEventSchema = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ description: 'ISO 8601 with milliseconds.' }),
    action: Type.String(),
    outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
    actor_iam_id: Type.Union([Type.String(), Type.Null()]),
    target_type: Type.Union([Type.String(), Type.Null()]),
    target_id: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    user_agent: Type.Union([Type.String(), Type.Null()]),
    request_id: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'Non-secret details of the event.' }),
  },
  { title: 'AuditEvent' },
);

export const AuditListSchema = Type.Object({
  events: Type.Array(AuditEventSchema, { description: 'Newest first.' }),
  next: Type.Optional(Type.String({ description: 'Full URL of the next (older) page; absent on the last page.' })),
});
export type AuditListBody = Static<typeof AuditListSchema>;
