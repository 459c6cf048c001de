import { iamErrors } from '../errors.js';

/**
 * Offset paging as IBM's identity lists do it: an opaque `pagetoken` and full-URL `first`/`previous`/`next` links
 * (clients read `new URL(next).searchParams.get('pagetoken')`). The token carries only an offset, so forging one
 * reveals nothing the filters would not: every page is still restricted to the caller's account.
 */
export interface PageLinks {
  first: string;
  previous?: string;
  next?: string;
}

const TOKEN = /^o=(\d{1,9})$/;

/** The offset a `pagetoken` stands for (0 without one); a token vigil did not issue is a 400. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const match = TOKEN.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || Buffer.from(match[0]).toString('base64url') !== token) throw iamErrors.invalidPageToken();
  return Number(match[1]);
}

function encodePageToken(offset: number): string {
  return Buffer.from(`o=${offset}`).toString('base64url');
}

/**
 * The links of one page: `next` only when more rows exist (absent, not null, on the last page, as IBM's SDK tests
 * expect), `previous` only after the first page. `query` is the effective query without `pagetoken`, in link order.
 */
export function pageLinks(
  baseUrl: string,
  query: ReadonlyArray<readonly [string, string | number | boolean | undefined]>,
  page: { offset: number; limit: number; hasMore: boolean },
): PageLinks {
  const link = (offset: number | undefined): string => {
    const params = new URLSearchParams();
    for (const [name, value] of query) if (value !== undefined) params.append(name, String(value));
    if (offset !== undefined) params.append('pagetoken', encodePageToken(offset));
    const search = params.toString();
    return search === '' ? baseUrl : `${baseUrl}?${search}`;
  };
  return {
    first: link(undefined),
    ...(page.offset > 0 ? { previous: link(Math.max(0, page.offset - page.limit)) } : {}),
    ...(page.hasMore ? { next: link(page.offset + page.limit) } : {}),
  };
}
