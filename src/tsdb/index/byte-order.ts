/**
 * Compares strings by their UTF-8 bytes, as Go compares strings. Index files are read by binary search in that order
 * (Prometheus's symbol table and postings offset table), so vigil writes them in it too. It differs from JavaScript's
 * UTF-16 order only where a character above U+FFFF meets one in U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points above U+FFFF) sort after U+E000–U+FFFF in UTF-8 but before them in UTF-16.
    if (x >= 0xd800 && y >= 0xd800) {
      if (x < 0xe000) x += 0x10000;
      if (y < 0xe000) y += 0x10000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Sorts in place in UTF-8 byte order (see compareUtf8), cheaply when no string needs the slow comparison. */
export function sortUtf8(strings: string[]): string[] {
  return strings.some((s) => /[\ud800-\uffff]/.test(s)) ? strings.sort(compareUtf8) : strings.sort();
}
