/**
 * IBM IAM's timestamp form in responses, `2021-06-15T08:58+0000` (minutes, numeric offset), from vigil's stored ISO
 * text. Absent stays absent.
 */
export function ibmTime(iso: string): string;
export function ibmTime(iso: string | null): string | undefined;
export function ibmTime(iso: string | null): string | undefined {
  if (iso === null) return undefined;
  return `${iso.slice(0, 16)}+0000`;
}

/**
 * Parses a timestamp a client sent (`2049-01-02T18:30:00+0000`, `2049-01-02T18:30+0000`, or any ISO 8601 form) into
 * vigil's stored ISO text; undefined when it is not a date.
 */
export function parseClientTime(value: string): string | undefined {
  const normalised = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
