/**
 * A number as Go's `fmt` verb `%f` prints it (six decimals, `+Inf`/`-Inf`/`NaN`, `-0.000000` for negative zero),
 * for error messages that must read exactly as Prometheus's. JavaScript's `toFixed` differs on ties (it rounds half
 * away from zero where Go rounds half to even) and switches to exponent notation from 1e21.
 */
export function formatGoFixed(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e21) return `${sign}${BigInt(magnitude).toString()}.000000`;
  let text = magnitude.toFixed(6);
  // A tie shows as exactly "5" after the sixth decimal in the exact expansion; Go then keeps an even last digit.
  const exact = magnitude.toFixed(100);
  const point = exact.indexOf('.');
  if (/^50*$/.test(exact.slice(point + 7))) {
    const lastKept = Number(exact.charAt(point + 6));
    if (lastKept % 2 === 0) text = exact.slice(0, point + 7);
  }
  return sign + text;
}
