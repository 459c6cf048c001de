import { iamErrors } from '../errors.js';

/**
 * Checks an `If-Match` header against an entity's current `entity_tag`, as IBM's identity API does on updates: the
 * header is required (400 without it), `*` matches any version, and anything else must name the current tag (409).
 * Quotes and a weak `W/` prefix are tolerated, since generic HTTP clients add them.
 */
export function checkIfMatch(header: string | undefined, currentTag: string): void {
  const value = header?.trim();
  if (value === undefined || value === '') throw iamErrors.ifMatchRequired();
  if (value === '*') return;
  const tags = value.split(',').map((tag) =>
    tag
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  );
  if (!tags.includes(currentTag)) throw iamErrors.staleEntityTag();
}
