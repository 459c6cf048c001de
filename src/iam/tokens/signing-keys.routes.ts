import type { HttpServer } from '../../platform/http/create-server.js';
import type { Iam } from '../iam.module.js';
import { originOf } from '../../platform/http/request-origin.js';
import { principalOf } from '../auth/request-principal.js';
import { RotationResultSchema, SigningKeyListSchema } from './token.schema.js';

/** Admin routes for the token signing keys (authenticated scope; account administrators only). */
export async function signingKeysRoutes(app: HttpServer, iam: Iam): Promise<void> {
  app.get(
    '/v1/admin/signing-keys',
    {
      schema: {
        tags: ['iam admin'],
        summary: 'List the token signing keys (kid, dates; never private material)',
        security: [{ iamToken: [] }],
        response: { 200: SigningKeyListSchema },
      },
    },
    async (request) => ({ keys: await iam.signingKeysAdmin.list(principalOf(request)) }),
  );

  app.post(
    '/v1/admin/signing-keys/rotate',
    {
      schema: {
        tags: ['iam admin'],
        summary: 'Make a new signing key current; the previous one keeps verifying until its tokens expire',
        security: [{ iamToken: [] }],
        response: { 200: RotationResultSchema },
      },
    },
    async (request) => iam.signingKeysAdmin.rotate(principalOf(request), originOf(request)),
  );
}
