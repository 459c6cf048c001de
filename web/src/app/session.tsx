import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { VigilApiError } from '../../../src/client/errors.js';
import { VigilClient } from '../../../src/client/vigil-client.js';

interface SessionUser {
  readonly iam_id: string;
  readonly email: string;
  readonly name: string;
  readonly account_id: string;
  readonly admin: boolean;
}

interface SessionBody {
  readonly user: SessionUser;
  readonly csrf_token: string;
}

export interface Session {
  readonly user: SessionUser;
  /** vigil's typed client, authenticated by the session cookie and its CSRF token. */
  readonly client: VigilClient;
  /** A client whose Monitor API calls (`/api/…`) go to one instance and team. */
  monitorClient(instanceGuid: string, teamId?: number): VigilClient;
  signOut(): Promise<void>;
  /** Called when the API answers 401: the session ended elsewhere (sign-out, password change, expiry). */
  expired(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

type State =
  | { readonly kind: 'checking' }
  | { readonly kind: 'signed-out'; readonly reason?: string }
  | { readonly kind: 'signed-in'; readonly body: SessionBody };

const authClient = new VigilClient({ endpoint: window.location.origin });

/**
 * Holds the console session: asks the server on load whether the cookie is still good, shows `signIn` when it is not,
 * and gives signed-in pages the user and an API client. The cookie itself is HttpOnly: the page never sees it.
 */
export function SessionProvider({
  signIn,
  children,
}: {
  signIn: (props: { onSignedIn: (body: SessionBody) => void; reason?: string }) => ReactNode;
  children: ReactNode;
}) {
  const [state, setState] = useState<State>({ kind: 'checking' });

  useEffect(() => {
    let cancelled = false;
    authClient.http
      .get<SessionBody>('/auth/session')
      .then((body) => !cancelled && setState({ kind: 'signed-in', body }))
      .catch(() => !cancelled && setState({ kind: 'signed-out' }));
    return () => {
      cancelled = true;
    };
  }, []);

  const expired = useCallback(
    () => setState({ kind: 'signed-out', reason: 'Your session has ended. Sign in again to continue.' }),
    [],
  );

  const session = useMemo<Session | undefined>(() => {
    if (state.kind !== 'signed-in') return undefined;
    const csrfToken = () => state.body.csrf_token;
    const client = new VigilClient({ endpoint: window.location.origin, csrfToken });
    return {
      user: state.body.user,
      client,
      monitorClient: (instanceGuid, teamId) =>
        new VigilClient({
          endpoint: window.location.origin,
          csrfToken,
          monitorTarget: () => ({ instanceGuid, ...(teamId === undefined ? {} : { teamId }) }),
        }),
      signOut: async () => {
        await client.http.post('/auth/logout').catch((error: unknown) => {
          if (!(error instanceof VigilApiError && error.status === 401)) throw error;
        });
        setState({ kind: 'signed-out', reason: 'You have signed out.' });
      },
      expired,
    };
  }, [state, expired]);

  if (state.kind === 'checking') return null;
  if (state.kind === 'signed-out') {
    return signIn({
      onSignedIn: (body) => setState({ kind: 'signed-in', body }),
      ...(state.reason ? { reason: state.reason } : {}),
    });
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export async function signInWithPassword(email: string, password: string): Promise<SessionBody> {
  return authClient.http.post<SessionBody>('/auth/login', { body: { email, password } });
}
