import { VigilConnectionError, apiErrorFrom } from './errors.js';

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  readonly query?: Query;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as application/x-www-form-urlencoded (the token endpoint). */
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** Leave out the credentials (token grants, discovery). */
  readonly anonymous?: boolean;
}

export interface Response<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Headers that authenticate a call: `Authorization`, and on the Monitor API the instance and team. */
export type CredentialsProvider = (path: string) => Promise<Record<string, string>>;

export interface HttpOptions {
  readonly endpoint: string;
  readonly credentials?: CredentialsProvider;
  readonly userAgent?: string;
  /** Per call; default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * The one place the client talks HTTP: JSON in and out, credentials added per call, any non-2xx turned into a
 * VigilApiError with the server's message, and an unreachable server into a VigilConnectionError.
 */
export class VigilHttp {
  readonly endpoint: string;

  constructor(private readonly options: HttpOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Response<T>> {
    const url = new URL(this.endpoint + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    if (!options.anonymous && this.options.credentials) Object.assign(headers, await this.options.credentials(path));
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }

    let response: globalThis.Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new VigilConnectionError(this.endpoint, reasonOf(error));
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      throw apiErrorFrom(
        response.status,
        response.statusText,
        parsed,
        response.headers.get('x-request-id') ?? undefined,
      );
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  async get<T>(path: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>('GET', path, options)).body;
  }

  async post<T>(path: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>('POST', path, options)).body;
  }

  async put<T>(path: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>('PUT', path, options)).body;
  }

  async patch<T>(path: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>('PATCH', path, options)).body;
  }

  async delete(path: string, options?: RequestOptions): Promise<void> {
    await this.request<unknown>('DELETE', path, options);
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'no answer within the timeout';
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause.code === 'string')
      return cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code;
    if (cause && typeof cause.message === 'string') return cause.message;
    return error.message;
  }
  return String(error);
}

/** `a/b` with each part percent-encoded: ids and names in paths. */
export function pathOf(...parts: (string | number)[]): string {
  return parts.map((part) => (typeof part === 'number' ? String(part) : encodeURIComponent(part))).join('/');
}

/** The `pagetoken` of an IBM `next` link, so that paging follows our endpoint, not the server's public URL. */
export function pageTokenOf(next: string | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next).searchParams.get('pagetoken') ?? undefined;
  } catch {
    return undefined;
  }
}
