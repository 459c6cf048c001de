import type { PosRange } from './ast.js';

/**
 * A query the parser or the type checker rejects. `message` reads as Prometheus's own (`1:5: parse error: unexpected
 * end of input`), so the HTTP API can pass it on unchanged as a `bad_data` error; `detail` and `pos` are the parts.
 */
export class PromQLError extends Error {
  readonly code = 'promql_parse_error';

  constructor(
    readonly detail: string,
    readonly pos: PosRange,
    readonly query: string,
  ) {
    super(`${lineColumn(query, pos.start)}: parse error: ${detail}`);
    this.name = 'PromQLError';
  }
}

export function isPromQLError(error: unknown): error is PromQLError {
  return error instanceof PromQLError;
}

/** `line:column` of an offset, both from 1, the column counted in UTF-8 bytes as Prometheus counts it. */
export function lineColumn(query: string, offset: number): string {
  const before = query.slice(0, Math.max(0, Math.min(offset, query.length)));
  const lastBreak = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  const column = Buffer.byteLength(before.slice(lastBreak + 1), 'utf8') + 1;
  return `${line}:${column}`;
}
