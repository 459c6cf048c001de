import type { IncomingHttpHeaders } from 'node:http';

const SESSION_COOKIE = 'vigil_session';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of the `vigil_session` cookie of a request (the first one, if several are sent), or undefined. */
export function sessionCookieOf(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.cookie;
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** True when a request may change state, so that a cookie-authenticated one needs the CSRF token. */
export function needsCsrf(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** The X-CSRF-Token header of a request, or undefined. */
export function csrfHeaderOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers[CSRF_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/** The Set-Cookie value that stores a session in the browser (`Secure` when vigil is reached over https). */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
