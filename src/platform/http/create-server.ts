import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Registry, collectDefaultMetrics, Counter, Histogram } from 'prom-client';
import { AppError, isAppError } from '../errors.js';
import { DISPLAY_FORMAT_RULES, DISPLAY_FORMATS } from '../text/display-text.js';
import { rendererFor, type Surface } from './surfaces.js';
import { requestLoggerFactory } from './request-logger.js';

export type HttpServer = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpServerOptions {
  readonly logger: FastifyBaseLogger | false;
  readonly publicUrl: string;
  readonly version: string;
  /** Checked by /readyz. */
  readonly ready: () => Promise<boolean>;
  /** Process-wide metrics (CPU, memory, event loop) are collected only by the real server, not by every test app. */
  readonly collectProcessMetrics?: boolean;
  readonly bodyLimit?: number;
  /** Set: `/metrics` needs `Authorization: Bearer <metricsToken>` (VIGIL_METRICS_TOKEN). */
  readonly metricsToken?: string | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Creates the Fastify instance every surface hangs off: request ids (an incoming `X-Request-ID` is kept when sane),
 * body limits, trailing slashes ignored, one error handler that renders each surface's shape, health, readiness,
 * Prometheus metrics and the OpenAPI description. It never listens; the entry point does.
 */
export async function createHttpServer(options: HttpServerOptions, surfaces: Surface[]): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.logger === false ? undefined : options.logger,
    logger: options.logger === false ? false : undefined,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
    trustProxy: false,
    childLoggerFactory: requestLoggerFactory,
    // A URL that does not decode never reaches a route: answer it in the surface's shape like any other 400.
    frameworkErrors: (error, request, frameworkReply) => {
      const reply = frameworkReply as FastifyReply;
      const appError = new AppError(400, 'invalid_url', `The URL ${request.url} is not valid: ${error.message}`);
      void reply
        .header('x-request-id', request.id)
        .header('transaction-id', request.id)
        .status(400)
        .type('application/json')
        .send(rendererFor(surfaces, request.url)(appError, request, reply));
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
      plugins: [registerDisplayFormats],
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('transaction-id', request.id);
  });

  // IBM's Node SDK sends `Content-Type: application/json` with an empty body on its body-less POSTs (lockApiKey,
  // disableApiKey…): read that as no body. Any other body still goes through Fastify's own parser (prototype-poisoning
  // protection, body limit).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });

  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'unexpected error');
    for (const [name, value] of Object.entries(appError.extra.headers ?? {})) reply.header(name, value);
    const body = rendererFor(surfaces, request.url)(appError, request, reply);
    return reply.status(appError.status).type('application/json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new AppError(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    return reply
      .status(404)
      .type('application/json')
      .send(rendererFor(surfaces, request.url)(error, request, reply));
  });

  await registerMetrics(app, options.collectProcessMetrics === true, options.metricsToken);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'vigil',
        version: options.version,
        description: 'IAM (IBM Cloud-compatible) and monitoring APIs of vigil.',
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          iamToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'IAM access token' },
          consoleSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'vigil_session',
            description:
              'Console session (POST /auth/login); state-changing requests also need the X-CSRF-Token header',
          },
          monitorToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'Monitor API token (vigil_mt_…), one per user and team; or an IAM token with IBMInstanceID',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Readiness: database reachable, migrations applied' } },
    async (_request, reply) => {
      const ready = await options.ready().catch(() => false);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
    },
  );

  return app;
}

/** Fastify's request validator (Ajv), as its plugins receive it. */
type AjvPlugin = Exclude<NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number], readonly unknown[]>;
type RequestValidator = Parameters<AjvPlugin>[0];

/** Ajv plugin: the formats of shown text (platform/text/display-text.ts). */
function registerDisplayFormats(ajv: RequestValidator): RequestValidator {
  for (const [name, validate] of Object.entries(DISPLAY_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
  return ajv;
}

function toAppError(error: FastifyError | AppError | Error): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'request';
    const [first] = fastifyError.validation;
    const format = first?.keyword === 'format' ? DISPLAY_FORMAT_RULES[String(first.params['format'])] : undefined;
    if (first && format !== undefined) {
      const field = first.instancePath.replace(/^\//, '').replaceAll('/', '.') || context;
      return new AppError(400, 'invalid_request', `Invalid ${context}: ${field} ${format}.`);
    }
    return new AppError(400, 'invalid_request', `Invalid ${context}: ${fastifyError.message}`);
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, (fastifyError.code ?? 'bad_request').toLowerCase(), fastifyError.message);
  }
  return new AppError(500, 'internal_error', 'Internal server error.');
}

async function registerMetrics(app: HttpServer, processMetrics: boolean, token: string | undefined): Promise<void> {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const requests = new Counter({
    name: 'vigil_http_requests_total',
    help: 'HTTP requests by route and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration by route.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.decorate('metricsRegistry', registry);
  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: "vigil's own metrics (Prometheus text format)" } },
    async (request, reply) => {
      if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
        throw new AppError(
          401,
          'unauthorized',
          '/metrics needs the operator token: Authorization: Bearer <VIGIL_METRICS_TOKEN>.',
          {
            headers: { 'www-authenticate': 'Bearer realm="vigil-metrics"' },
          },
        );
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}

/** `Bearer <token>` with exactly this token, compared in constant time (over digests, so lengths may differ). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return match !== null && timingSafeEqual(digest(match[1] ?? ''), digest(token));
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}
