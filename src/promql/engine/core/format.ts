/**
 * Go's `%g` for a float64, as Prometheus's annotations print numbers: the shortest digits that read back exactly, in
 * exponent form (`1e+06`, `1.5e-05`, two exponent digits at least) when the decimal exponent is below -4 or 6 and over.
 */
export function formatGoG(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  return String(value);
}

/** Go's `%.Ng`: N significant digits, trailing zeros dropped, exponent form as strconv's 'g' decides. */
export function formatGoGPrecision(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [rounded = '', exponentText = '0'] = value.toExponential(precision - 1).split('e');
  const exponent = Number(exponentText);
  const mantissa = rounded.includes('.') ? rounded.replace(/0+$/, '').replace(/\.$/, '') : rounded;
  const digits = mantissa.replace('-', '').replace('.', '').length;
  const eprec = precision > digits && digits >= exponent + 1 ? digits : precision;
  if (exponent < -4 || exponent >= eprec) {
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  return String(Number(`${mantissa}e${exponent}`));
}

/** Go's time.Unix(ms/1000, 0).UTC().Format(time.RFC3339). */
export function formatRfc3339(ms: number): string {
  return new Date(Math.trunc(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
