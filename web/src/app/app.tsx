import { useEffect } from 'react';
import { SignInPage } from '../pages/sign-in.js';
import { NotFoundPage } from '../pages/not-found.js';
import { ROUTES } from './routes.js';
import { matchPath, navigate, useLocation } from './router.js';
import { SessionProvider } from './session.js';
import { Shell } from './shell.js';

/** The console: sign-in until there is a session, then the page the address names, inside the shell. */
export function App() {
  return (
    <SessionProvider signIn={(props) => <SignInPage {...props} />}>
      <Shell>
        <CurrentPage />
      </Shell>
    </SessionProvider>
  );
}

function CurrentPage() {
  const { path } = useLocation();
  const home = path === '/' || path === '/login';
  const match = ROUTES.map((route) => ({ route, params: matchPath(route.path, path) })).find((m) => m.params);
  const title = match ? match.route.title : home ? '' : 'Not found';

  useEffect(() => {
    if (home) navigate('/iam/apikeys', { replace: true });
  }, [home]);
  useEffect(() => {
    if (title) document.title = `${title} – vigil`;
  }, [title]);

  if (match?.params) return match.route.render(match.params);
  return home ? null : <NotFoundPage />;
}
