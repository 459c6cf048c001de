import { crc32 } from 'node:zlib';
import { BASE62, base62, randomBase62 } from './base62.js';
import type { Random } from './random.js';

/**
 * The shape of every opaque secret vigil issues (DESIGN.md, Credentials): a recognisable prefix, 30 random base62
 * characters (178.6 bits) and a 6-character base62 CRC32 of prefix and body, as npm and GitHub tokens do, so that a
 * malformed or mistyped value is refused before any lookup and secret scanners can validate it offline.
 */
export const TOKEN_KINDS = {
  apiKey: 'vigil_ak_',
  refreshToken: 'vigil_rt_',
  monitorToken: 'vigil_mt_',
  session: 'vigil_cs_',
} as const;
export type TokenKind = keyof typeof TOKEN_KINDS;

const RANDOM_CHARS = 30;
const CHECKSUM_CHARS = 6;

function checksum(prefixAndBody: string): string {
  return base62(crc32(prefixAndBody), CHECKSUM_CHARS);
}

/** Generates a new secret of the given kind. */
export function generateSecret(kind: TokenKind, random: Random): string {
  const head = TOKEN_KINDS[kind] + randomBase62(RANDOM_CHARS, (size) => random.bytes(size));
  return head + checksum(head);
}

/** True when `value` has the prefix, length, alphabet and checksum of a secret of this kind. */
export function isWellFormedSecret(kind: TokenKind, value: string): boolean {
  const prefix = TOKEN_KINDS[kind];
  if (value.length !== prefix.length + RANDOM_CHARS + CHECKSUM_CHARS || !value.startsWith(prefix)) return false;
  const body = value.slice(prefix.length);
  if (!BASE62.test(body)) return false;
  const head = value.slice(0, value.length - CHECKSUM_CHARS);
  return checksum(head) === value.slice(-CHECKSUM_CHARS);
}
