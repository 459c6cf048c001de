import { readFileSync } from 'node:fs';

/** vigil's version, from package.json (read once; found from src/ under tsx and from dist/ when built). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
