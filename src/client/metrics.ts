import type { VigilHttp } from './http.js';

/** A float or histogram point as Prometheus's API writes it: `[seconds, "value"]`. */
export type PromPoint = [number, string];

export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly value?: PromPoint;
  readonly values?: PromPoint[];
  readonly histogram?: [number, unknown];
  readonly histograms?: [number, unknown][];
}

/** Prometheus's success envelope for a query. */
export interface PromQueryResponse {
  readonly status: 'success';
  readonly data:
    | { readonly resultType: 'vector' | 'matrix'; readonly result: PromSeries[] }
    | { readonly resultType: 'scalar' | 'string'; readonly result: PromPoint };
  readonly warnings?: string[];
  readonly infos?: string[];
}

/** `/prometheus/api/v1/…`: PromQL over the targeted instance's metrics, as the team's scope allows. */
export class MetricsClient {
  constructor(private readonly http: VigilHttp) {}

  /** An instant query at `time` (seconds; default now). */
  query(expr: string, time?: number): Promise<PromQueryResponse> {
    const form: Record<string, string> = { query: expr };
    if (time !== undefined) form['time'] = String(time);
    return this.http.post<PromQueryResponse>('/prometheus/api/v1/query', { form });
  }

  /** A range query from `start` to `end` (seconds) every `step` seconds. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<PromQueryResponse> {
    return this.http.post<PromQueryResponse>('/prometheus/api/v1/query_range', {
      form: { query: expr, start: String(start), end: String(end), step: String(step) },
    });
  }
}
