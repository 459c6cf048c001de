import { EvaluationError, isPromQLError } from '../../promql/index.js';
import { quoteString } from '../../promql/literals.js';
import { jsonString } from './json.js';

/**
 * The `errorType` values of Prometheus's API. Prometheus 3 has no type of its own for a query that would load too
 * many samples: that is an `execution` error (422); a timeout is `timeout` (503).
 */
export type PrometheusErrorType =
  'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'not_found' | 'not_acceptable' | 'unavailable';

/** Prometheus's `getDefaultErrorCode`: `unavailable` has no case there and so falls to 500, as `internal` does. */
const STATUS: Readonly<Record<PrometheusErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  not_found: 404,
  not_acceptable: 406,
  unavailable: 500,
};

/**
 * An error of the Prometheus API surface: its `type` and `message` are what the body says, `status` the HTTP status
 * Prometheus answers with. Thrown by the request parsers here, built from engine errors by {@link fromQueryError}.
 */
export class PrometheusApiError extends Error {
  readonly status: number;

  constructor(
    readonly type: PrometheusErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PrometheusApiError';
    this.status = STATUS[type];
  }
}

/** `invalid parameter "<name>": <reason>`, Prometheus's wording for a parameter it cannot use. */
export function invalidParameter(name: string, reason: string): PrometheusApiError {
  return new PrometheusApiError('bad_data', `invalid parameter ${quoteString(name)}: ${reason}`);
}

/** The body of an error answer, byte for byte as Prometheus writes it: `{"status":"error","errorType":…,"error":…}`. */
export function errorBody(error: PrometheusApiError): string {
  return `{"status":"error","errorType":"${error.type}","error":${jsonString(error.message)}}`;
}

const RANGE_QUERY_TYPE = /^invalid expression type ".*" for range query, must be Scalar or instant Vector$/;

/**
 * What Prometheus answers when a query fails: a parse or type error is `bad_data` about the parameter that held the
 * query (`invalid parameter "query": 1:5: parse error: unclosed left parenthesis`), as is a range query over an
 * expression that is neither scalar nor instant vector (Prometheus rejects those before running them); run-time
 * errors are `execution`, including too many samples; timeouts and cancellations have their own types. Null for
 * anything else, which the caller answers with an opaque internal error after logging it.
 */
export function fromQueryError(error: unknown, parameter: string): PrometheusApiError | null {
  if (error instanceof PrometheusApiError) return error;
  if (isPromQLError(error)) return invalidParameter(parameter, error.message);
  if (!(error instanceof EvaluationError)) return null;
  if (RANGE_QUERY_TYPE.test(error.message)) return invalidParameter(parameter, error.message);
  switch (error.kind) {
    case 'timeout':
      return new PrometheusApiError('timeout', error.message);
    case 'canceled':
      return new PrometheusApiError('canceled', error.message);
    default:
      return new PrometheusApiError('execution', error.message);
  }
}
