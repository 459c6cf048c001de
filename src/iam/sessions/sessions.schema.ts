import { Type, type Static } from 'typebox';

/** The wire shapes of `/auth`, the console's sign-in. The cookie value never appears in a body. */
export const LoginBodySchema = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { title: 'Login' },
);

export const SessionSchema = Type.Object(
  {
    user: Type.Object({
      iam_id: Type.String(),
      email: Type.String(),
      name: Type.String(),
      account_id: Type.String(),
      admin: Type.Boolean({ description: 'An account administrator.' }),
    }),
    csrf_token: Type.String({
      description: 'Send it as `X-CSRF-Token` on every request other than GET, HEAD and OPTIONS made with the cookie.',
    }),
  },
  { title: 'ConsoleSession' },
);
export type SessionBody = Static<typeof SessionSchema>;
