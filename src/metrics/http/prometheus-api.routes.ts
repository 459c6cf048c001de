import type { FastifyReply, FastifyRequest } from 'fastify';
import { monitorPrincipalOf } from '../../monitor/auth/request-principal.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { parse } from '../../promql/parse.js';
import { VERSION } from '../../version.js';
import type { Metrics } from '../metrics.module.js';
import type { Reader } from '../query/query.service.js';
import { buildInfo } from '../prometheus-api/buildinfo.js';
import { errorBody, fromQueryError, PrometheusApiError } from '../prometheus-api/errors.js';
import { formatQuery } from '../prometheus-api/format-query.js';
import { formValue, parseTime, type FormValues } from '../prometheus-api/params.js';
import { MAX_TIME_MS, MIN_TIME_MS } from '../prometheus-api/go-time.js';
import { parseQueryTree } from '../prometheus-api/parse-query.js';
import {
  parseInstantQueryRequest,
  parseLabelsRequest,
  parseLabelValuesRequest,
  parseMetadataRequest,
  parseRangeQueryRequest,
  parseSeriesRequest,
} from '../prometheus-api/requests.js';
import {
  metadataBody,
  queryResultBody,
  RESULTS_TRUNCATED,
  seriesBody,
  successBody,
  truncateResult,
} from '../prometheus-api/result-json.js';

const tags = ['Metrics (Prometheus API)'];
const security: Record<string, string[]>[] = [{ monitorToken: [] }, { iamToken: [] }];

type Handler = (form: FormValues, request: FastifyRequest, signal: AbortSignal) => Promise<string>;

function readerOf(request: FastifyRequest): Reader {
  const principal = monitorPrincipalOf(request);
  return { tenant: principal.instance.guid, scope: principal.team.scope };
}

/** The request's parameters: the URL's, and for a POST the form body's first (as Go's ParseForm merges them). */
function formOf(request: FastifyRequest): FormValues {
  const merged: Record<string, string[]> = {};
  const add = (name: string, value: unknown) => {
    if (typeof value === 'string') (merged[name] ??= []).push(value);
    else if (Array.isArray(value)) for (const v of value) add(name, v);
  };
  if (request.body instanceof URLSearchParams) for (const [name, value] of request.body) add(name, value);
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) add(name, value);
  return merged;
}

/**
 * Runs a handler with Prometheus's answers around it: the JSON body as text, errors in Prometheus's shape with its
 * statuses, and evaluation aborted when the client goes away.
 */
function answer(handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const controller = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort();
    };
    reply.raw.once('close', onClose);
    try {
      const body = await handler(formOf(request), request, controller.signal);
      if (body === NO_CONTENT) return reply.status(204).send();
      return reply.type('application/json').send(body);
    } catch (error) {
      const known = fromQueryError(error, 'query');
      if (known === null) throw error;
      return reply.status(known.status).type('application/json').send(errorBody(known));
    } finally {
      reply.raw.off('close', onClose);
    }
  };
}

/** A handler's answer for 204 No Content. */
const NO_CONTENT = '';

/** Whether an expression reads any series (query_exemplars answers 204 when it does not). */
function hasSelector(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if ((node as { kind?: unknown }).kind === 'VectorSelector') return true;
  return Object.values(node).some((child) =>
    Array.isArray(child) ? child.some(hasSelector) : typeof child === 'object' && hasSelector(child),
  );
}

function truncated(truncated: boolean): string[] {
  return truncated ? [RESULTS_TRUNCATED] : [];
}

/**
 * Prometheus's HTTP query API under `prefix` (`/prometheus/api/v1` as on IBM Cloud Monitoring, `/api/v1` for Grafana's
 * Prometheus data source), GET and POST form, answering exactly as Prometheus does, on vigil's engine over the
 * caller's instance and team scope.
 */
export async function prometheusApiRoutes(app: HttpServer, metrics: Metrics, prefix: string): Promise<void> {
  const { queries } = metrics;
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_request, body, done) => done(null, new URLSearchParams(String(body))),
  );
  const route = (path: string, summary: string, handler: Handler, methods: ('GET' | 'POST')[] = ['GET', 'POST']) => {
    app.route({
      method: methods,
      url: `${prefix}${path}`,
      schema: { tags, security, summary, hide: prefix !== '/prometheus/api/v1' },
      handler: answer(handler),
    });
    // Prometheus's router answers 405 for the other method; Grafana retries a POST as GET only after 405 (or 400).
    if (!methods.includes('POST')) {
      const body = `{"status":"error","errorType":"method_not_allowed","error":"POST ${prefix}${path}: use GET"}`;
      app.post(`${prefix}${path}`, { schema: { hide: true } }, async (_request, reply) =>
        reply.status(405).header('allow', 'GET, OPTIONS').type('application/json').send(body),
      );
    }
  };

  route('/query', 'Instant PromQL query', async (form, request, signal) => {
    const params = parseInstantQueryRequest(form, Date.now());
    const result = await queries.instant(readerOf(request), params.query, params.time, {
      signal,
      ...(params.timeout !== undefined ? { timeout: params.timeout } : {}),
      ...(params.lookbackDelta !== undefined ? { lookbackDelta: params.lookbackDelta } : {}),
    });
    return queryResultBody(truncateResult(result, params.limit));
  });

  route('/query_range', 'Range PromQL query', async (form, request, signal) => {
    const params = parseRangeQueryRequest(form);
    const result = await queries.range(readerOf(request), params.query, params, {
      signal,
      ...(params.timeout !== undefined ? { timeout: params.timeout } : {}),
      ...(params.lookbackDelta !== undefined ? { lookbackDelta: params.lookbackDelta } : {}),
    });
    return queryResultBody(truncateResult(result, params.limit));
  });

  route('/series', 'Series matching selectors', async (form, request) => {
    const params = parseSeriesRequest(form);
    const found = await queries.series(readerOf(request), params.matchers, params.start, params.end, params.limit);
    return seriesBody(found.items, truncated(found.truncated));
  });

  route('/labels', 'Label names', async (form, request) => {
    const params = parseLabelsRequest(form);
    const found = await queries.labelNames(readerOf(request), params.matchers, params.start, params.end, params.limit);
    return successBody(found.items, truncated(found.truncated));
  });

  route(
    '/label/:name/values',
    'Values of a label',
    async (form, request) => {
      const params = parseLabelValuesRequest((request.params as { name: string }).name, form);
      const found = await queries.labelValues(
        readerOf(request),
        params.name,
        params.matchers,
        params.start,
        params.end,
        params.limit,
      );
      return successBody(found.items, truncated(found.truncated));
    },
    ['GET'],
  );

  route(
    '/metadata',
    'Metric metadata (type, help, unit) sent over remote-write',
    async (form, request) => {
      const params = parseMetadataRequest(form);
      const metric = params.metric === '' ? undefined : params.metric;
      return metadataBody(await queries.metadata(readerOf(request), metric, params.limit, params.limitPerMetric));
    },
    ['GET'],
  );

  route('/format_query', 'A query, formatted', async (form) => successBody(formatQuery(parseQuery(form))));
  route('/parse_query', 'A query as a syntax tree', async (form) => successBody(parseQueryTree(parseQuery(form))));
  app.route({
    method: ['GET', 'POST'],
    url: `${prefix}/query_exemplars`,
    schema: { tags, security, summary: 'Exemplars (vigil keeps none)', hide: prefix !== '/prometheus/api/v1' },
    handler: answer(async (form, _request, _signal) => {
      const start = parseTime(formValue(form, 'start'), 'start', MIN_TIME_MS);
      const end = parseTime(formValue(form, 'end'), 'end', MAX_TIME_MS);
      if (end < start) throw new PrometheusApiError('bad_data', 'end timestamp must not be before start timestamp');
      let expr;
      try {
        expr = parse(formValue(form, 'query') ?? '');
      } catch (error) {
        // Prometheus gives the parse error bare here, not as `invalid parameter "query"`.
        throw new PrometheusApiError('bad_data', error instanceof Error ? error.message : String(error));
      }
      return hasSelector(expr) ? successBody([]) : NO_CONTENT;
    }),
  });
  if (prefix === '/prometheus/api/v1') {
    // Clients check the base URL they were given (prometheus-api-client's check_prometheus_connection: GET <url>/).
    // (`/prometheus/` too: the server ignores trailing slashes.)
    app.get('/prometheus', { schema: { hide: true } }, async (request, reply) => {
      readerOf(request);
      return reply.type('text/plain').send('vigil: the Prometheus HTTP API is under /prometheus/api/v1/\n');
    });
  }
  route('/status/buildinfo', 'Build information', async () => successBody(buildInfo(VERSION)), ['GET']);
}

/** The `query` parameter, parsed; its errors become `invalid parameter "query": …`. */
function parseQuery(form: FormValues) {
  const query = formValue(form, 'query') ?? '';
  try {
    return parse(query);
  } catch (error) {
    throw fromQueryError(error, 'query') ?? new PrometheusApiError('internal', 'could not parse the query');
  }
}
