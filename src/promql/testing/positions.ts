/** A copy of an AST (or any value) without its `pos` fields, to compare trees parsed from different texts. */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key !== 'pos') out[key] = key === 'func' ? field : withoutPositions(field);
  }
  return out;
}
