import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.js';
import type { HttpServer } from '../platform/http/create-server.js';
import { StaticFiles, type StaticFile } from './static-files.js';

/** Where `npm run build` puts the console: dist/web at the package root (from src/console or dist/console). */
const DEFAULT_CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Paths that belong to an API: an unknown one is that API's 404, never the console's page. */
const API_PREFIXES = ['/v1/', '/v2/', '/api/', '/identity/', '/auth/', '/docs', '/openapi.json', '/prometheus/'];

/**
 * The console's page policy: scripts, styles, fonts and API calls only from vigil itself, never framed. Styles allow
 * inline attributes, which Carbon's components set for positioning.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built console at `/`: hashed assets cached for a year, `index.html` revalidated on every load (so that
 * a new build is picked up at once), and `index.html` for every other page path, which the app routes itself.
 */
export function registerConsoleRoutes(app: HttpServer, directory: string = DEFAULT_CONSOLE_DIR): void {
  let files: StaticFiles | undefined;
  const load = (): StaticFiles | undefined => (files ??= StaticFiles.load(directory));

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const notFound = () =>
      new AppError(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    const urlPath = decodedPath(request.url);
    if (urlPath === undefined || API_PREFIXES.some((prefix) => urlPath.startsWith(prefix))) throw notFound();
    const file = load()?.get(urlPath);
    if (file && urlPath !== '/index.html') return send(request, reply, file, file.immutable);
    // A path with an extension or under /assets/ names a file: a missing one is a 404, not the app's page. Other
    // paths are the app's pages, for browsers (which ask for HTML); a script asking for JSON gets the plain 404.
    const namesFile = urlPath !== '/index.html' && (urlPath.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(urlPath));
    if (namesFile || (urlPath !== '/' && urlPath !== '/index.html' && !acceptsHtml(request))) throw notFound();
    const built = load();
    if (!built) {
      throw new AppError(
        404,
        'console_not_built',
        'The web console is not built: run `npm run build` (or `npm start`, which builds it).',
      );
    }
    return send(request, reply, built.index, false);
  };

  app.route({ method: ['GET', 'HEAD'], url: '/', schema: { hide: true }, handler: serve });
  app.route({ method: ['GET', 'HEAD'], url: '/*', schema: { hide: true }, handler: serve });
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, immutable: boolean) {
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  reply.header('etag', file.etag);
  reply.header('x-content-type-options', 'nosniff');
  if (file.contentType.startsWith('text/html')) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
  }
  reply.header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  reply.type(file.contentType);
  const gzipped = acceptsGzip(request) ? StaticFiles.gzipped(file) : undefined;
  if (gzipped) {
    reply.header('content-encoding', 'gzip');
    return reply.send(gzipped);
  }
  return reply.send(file.body);
}

function acceptsHtml(request: FastifyRequest): boolean {
  const accepted = request.headers['accept'];
  return typeof accepted === 'string' && accepted.includes('text/html');
}

function acceptsGzip(request: FastifyRequest): boolean {
  const accepted = request.headers['accept-encoding'];
  return typeof accepted === 'string' && /\bgzip\b/.test(accepted);
}

/** The URL's path, percent-decoded; undefined for a path that does not decode, leaves the root or names a dotfile. */
function decodedPath(url: string): string | undefined {
  const raw = url.split('?')[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  // No NUL, no climbing out, no dotfiles (the build stamp, editors' leftovers).
  if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.'))) return undefined;
  return decoded;
}
