const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Encodes a non-negative integer in base62, left-padded with '0' to `width`. */
export function base62(value: bigint | number, width: number): string {
  let n = BigInt(value);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, '0');
}

/** `count` base62 characters drawn without modulo bias from `source` (rejection sampling over bytes). */
export function randomBase62(count: number, source: (size: number) => Buffer): string {
  let out = '';
  while (out.length < count) {
    for (const byte of source(count * 2)) {
      // 248 = 4 * 62: bytes at or above it would favour the first characters.
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === count) break;
    }
  }
  return out;
}

export const BASE62 = /^[0-9A-Za-z]+$/;
