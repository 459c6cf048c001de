const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TIME = 2 ** 48 - 1;

/**
 * A ULID (github.com/ulid/spec): 48 bits of milliseconds then 80 random bits, in Crockford base32, 26 characters.
 * Block directories are named by one, as in Prometheus, so they sort by creation time and never collide. The clock
 * and the random bytes are passed in, so tests get fixed names.
 */
export function ulid(now: number, random: (n: number) => Uint8Array): string {
  if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) throw new RangeError(`ULID time out of range: ${now}`);
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  const bytes = random(10);
  if (bytes.length < 10) throw new RangeError('ULID needs 10 random bytes');
  // 80 bits = 16 groups of 5, read most significant first.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    acc = ((acc << 8) | (bytes[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(acc >>> bits) & 31];
    }
  }
  return out;
}

/** Whether `s` is a ULID as `ulid` writes them (upper case, first character ≤ 7 so the time fits 48 bits). */
export function isUlid(s: string): boolean {
  return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(s);
}
