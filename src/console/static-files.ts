import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the built console, read once at start. */
export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  /** Vite names built assets `name-<hash>.ext`: their content never changes under that name. */
  readonly immutable: boolean;
  /** Compressed on first request, for text types only. */
  gzipped?: Buffer;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

/**
 * The console's built files (Vite's output), keyed by URL path. Held in memory: the whole console is a few megabytes,
 * and serving from memory keeps every response a single write with a precomputed ETag.
 */
export class StaticFiles {
  private constructor(private readonly files: ReadonlyMap<string, StaticFile>) {}

  /** Reads a built console; undefined when the directory has no index.html (console not built). */
  static load(root: string): StaticFiles | undefined {
    if (!fs.existsSync(path.join(root, 'index.html'))) return undefined;
    const files = new Map<string, StaticFile>();
    for (const relative of walk(root)) {
      const extension = path.extname(relative);
      const body = fs.readFileSync(path.join(root, relative));
      files.set('/' + relative.split(path.sep).join('/'), {
        body,
        contentType: TYPES[extension] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        immutable: relative.startsWith(`assets${path.sep}`),
      });
    }
    return new StaticFiles(files);
  }

  get(urlPath: string): StaticFile | undefined {
    return this.files.get(urlPath);
  }

  get index(): StaticFile {
    const index = this.files.get('/index.html');
    if (!index) throw new Error('console build without index.html');
    return index;
  }

  /** The gzip form of a text file (computed once), or undefined when it is not worth compressing. */
  static gzipped(file: StaticFile): Buffer | undefined {
    if (!COMPRESSIBLE.test(file.contentType) || file.body.length < 1024) return undefined;
    file.gzipped ??= gzipSync(file.body, { level: 9 });
    return file.gzipped;
  }
}

function* walk(root: string, dir = ''): Generator<string> {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(root, relative);
    else if (entry.isFile() && !entry.name.startsWith('.')) yield relative;
  }
}
