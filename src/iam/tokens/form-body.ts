import type { FastifyError } from 'fastify';
import type { HttpServer } from '../../platform/http/create-server.js';
import { isAppError } from '../../platform/errors.js';
import { tokenErrors } from '../errors.js';

/** IBM's token requests are a few hundred bytes; anything much larger is not a token request. */
export const TOKEN_BODY_LIMIT = 16 * 1024;

/**
 * Makes a plugin scope read `application/x-www-form-urlencoded` bodies (with `node:querystring` semantics, via
 * URLSearchParams) and refuse every other body in the token endpoint's own words, instead of Fastify's generic 415.
 * Only this scope is affected. A repeated field keeps its first value; the result has no prototype, so a field named
 * `__proto__` is just a field.
 */
export function acceptFormBodies(scope: HttpServer): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: TOKEN_BODY_LIMIT },
    (_request, body, done) => done(null, parseForm(String(body))),
  );
  scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: TOKEN_BODY_LIMIT }, (_request, _body, done) =>
    done(tokenErrors.unsupportedMediaType()),
  );
  // Errors Fastify raises itself while reading a body (too large, bad length…) are restated in the token catalog and
  // handed on to the application's handler, which renders the /identity surface.
  scope.setErrorHandler((error: FastifyError, _request, _reply) => {
    if (isAppError(error)) throw error;
    if (error.statusCode === 413) throw tokenErrors.payloadTooLarge();
    if (error.statusCode === 415) throw tokenErrors.unsupportedMediaType();
    throw error;
  });
}

function parseForm(body: string): Record<string, string> {
  const form: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(body)) {
    if (!(name in form)) form[name] = value;
  }
  return form;
}
