/**
 * Go's order of strings (`sort.Strings`, map keys in JSON): by UTF-8 bytes, which is the order of code points.
 * JavaScript's `<` compares UTF-16 units instead, which differs for characters above U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
