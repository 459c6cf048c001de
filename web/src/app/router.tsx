import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';
import { Link as CarbonLink } from '@carbon/react';

/**
 * The console's router: the path in the address bar is the page, History API navigation, no dependency. The server
 * answers every page path with index.html, so a reload or a shared link opens the same page.
 */

const CHANGE = 'vigil:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, window.location.origin);
  return { path: url.pathname, query: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** Matches `/iam/serviceids/:id` against a path; the parameters, decoded, or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] ?? '';
    const value = got[i] ?? '';
    if (part.startsWith(':')) {
      if (value === '') return undefined;
      try {
        params[part.slice(1)] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (part !== value) return undefined;
  }
  return params;
}

/** A left click without modifiers navigates in place; anything else (new tab, copy link) is the browser's. */
export function followLink(event: MouseEvent, to: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  navigate(to);
}

export function Link({ to, children }: { to: string; children: ReactNode }) {
  return (
    <CarbonLink href={to} onClick={(event: MouseEvent) => followLink(event, to)}>
      {children}
    </CarbonLink>
  );
}
