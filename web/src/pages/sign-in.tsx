import { useState, type FormEvent } from 'react';
import { Button, Form, InlineNotification, PasswordInput, Stack, TextInput, Tile } from '@carbon/react';
import { signInWithPassword } from '../app/session.js';
import { messageOf } from '../app/use-api.js';

type SessionBody = Awaited<ReturnType<typeof signInWithPassword>>;

/** Email and password, as IBM Cloud's login page; the server sets the HttpOnly session cookie. */
export function SignInPage({ onSignedIn, reason }: { onSignedIn: (body: SessionBody) => void; reason?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signInWithPassword(email.trim(), password));
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };

  return (
    <main className="vigil-sign-in" id="main-content">
      <Tile>
        <Form onSubmit={(event) => void submit(event)} aria-label="Sign in">
          <Stack gap={6}>
            <div>
              <p className="cds--label">vigil</p>
              <h1 className="cds--type-productive-heading-05">Log in to vigil</h1>
            </div>
            {reason && !error ? (
              <InlineNotification kind="info" title={reason} lowContrast hideCloseButton role="status" />
            ) : null}
            {error ? (
              <InlineNotification
                kind="error"
                role="alert"
                title="Sign-in failed"
                subtitle={error}
                lowContrast
                hideCloseButton
              />
            ) : null}
            <TextInput
              id="sign-in-email"
              labelText="Email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              required
            />
            <PasswordInput
              id="sign-in-password"
              labelText="Password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
            <Button type="submit" disabled={busy || email.trim() === '' || password === ''}>
              {busy ? 'Signing in…' : 'Log in'}
            </Button>
          </Stack>
        </Form>
      </Tile>
    </main>
  );
}
