import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { VigilApiError, VigilConnectionError } from '../../../src/client/errors.js';
import { useSession } from './session.js';

export type Loaded<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'ready'; readonly data: T };

/** What the API said, in words for the page: the server's own message, with the status for reference. */
export function messageOf(error: unknown): string {
  if (error instanceof VigilApiError) return `${error.message} (HTTP ${error.status})`;
  if (error instanceof VigilConnectionError) return 'vigil did not answer. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

function isSessionEnd(error: unknown): boolean {
  return error instanceof VigilApiError && error.status === 401;
}

/**
 * Loads data for a page: loading, error (the API's message) or ready, with `reload` after a change. A 401 ends the
 * session in the console. `deps` are the inputs the loader depends on.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const { expired } = useSession();
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loader = useRef(load);
  useLayoutEffect(() => {
    loader.current = load;
  });

  useEffect(() => {
    // A reload keeps showing what is there until the new data arrives.
    let cancelled = false;
    loader
      .current()
      .then((data) => !cancelled && setState({ status: 'ready', data }))
      .catch((error: unknown) => {
        if (cancelled) return;
        if (isSessionEnd(error)) expired();
        else setState({ status: 'error', message: messageOf(error) });
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation, expired, ...deps]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return [state, reload];
}

export interface Action<A extends unknown[], R> {
  readonly run: (...args: A) => Promise<R | undefined>;
  readonly busy: boolean;
  readonly error: string | undefined;
  readonly clearError: () => void;
}

/** A change made from a page (create, delete, reset…): busy while it runs, the API's message when it fails. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): Action<A, R> {
  const { expired } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const current = useRef(action);
  useLayoutEffect(() => {
    current.current = action;
  });

  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        return await current.current(...args);
      } catch (caught) {
        if (isSessionEnd(caught)) expired();
        else setError(messageOf(caught));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [expired],
  );
  const clearError = useCallback(() => setError(undefined), []);
  return { run, busy, error, clearError };
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  // IBM's form ends in +0000 (no colon), which not every browser parses.
  const date = new Date(iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
