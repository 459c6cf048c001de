import { useState } from 'react';
import { Button, InlineNotification, Select, SelectItem, Stack } from '@carbon/react';
import { useAction, useLoad } from '../../app/use-api.js';
import { copyText } from '../../components/copy.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { LoadedView } from '../../components/page.js';
import { InstanceFrame, type InstanceScope } from './instance-frame.js';

/** What the grace period keeps working after a reset, as the API's graceSeconds (0–86400). */
const GRACE = [
  { seconds: 0, label: 'None: the current token stops working at once' },
  { seconds: 300, label: '5 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86400, label: '24 hours' },
] as const;

/** Settings › Monitor API in an instance. */
export function MonitorApiPage({ guid }: { guid: string }) {
  return (
    <InstanceFrame guid={guid} section="monitor-api" title="Monitor API">
      {(scope) => <MonitorApiToken key={scope.team.teamId} scope={scope} />}
    </InstanceFrame>
  );
}

/** `vigil_mt_` and the last four characters; the rest hidden. */
function masked(token: string): string {
  return `${token.slice(0, 9)}${'•'.repeat(24)}${token.slice(-4)}`;
}

function MonitorApiToken({ scope }: { scope: InstanceScope }) {
  const { client, team, instance, mayResetTokens } = scope;
  const [loaded, reload] = useLoad(() => client.monitorTokens.get(), [client]);
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState(false);
  const [copyError, setCopyError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [grace, setGrace] = useState(0);
  const [resetDone, setResetDone] = useState<number>();
  const reset = useAction(async (graceSeconds: number) => {
    await client.monitorTokens.reset({ graceSeconds });
    setConfirming(false);
    setCopied(false);
    setRevealed(true); // the new token is shown, to be given to the scripts and senders
    setResetDone(graceSeconds);
    reload();
  });

  return (
    <Stack gap={6}>
      <p>
        Your Monitor API token for the team <strong>{team.teamName}</strong> of <strong>{instance.name}</strong>.
        Scripts, SDKs (sdcclient) and Prometheus remote-write senders use it as{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>; it acts as you, in this team, with your current role. Every
        team has its own token.
      </p>
      {resetDone !== undefined ? (
        <InlineNotification
          kind="success"
          role="status"
          lowContrast
          title="Token reset."
          subtitle={
            resetDone === 0
              ? 'The previous token no longer works. Give the new one to your scripts and senders.'
              : `The previous token keeps working for ${GRACE.find((g) => g.seconds === resetDone)?.label ?? `${resetDone} s`}.`
          }
          onClose={() => (setResetDone(undefined), false)}
        />
      ) : null}
      <LoadedView loaded={loaded} what="your Monitor API token" columns={1}>
        {({ token }) => (
          <Stack gap={5}>
            <div>
              <p className="cds--label" id="monitor-token-label">
                Monitor API token
              </p>
              <div className="vigil-token">
                <code aria-labelledby="monitor-token-label" data-testid="monitor-token">
                  {revealed ? token.key : masked(token.key)}
                </code>
                <Button kind="tertiary" size="md" onClick={() => setRevealed((shown) => !shown)}>
                  {revealed ? 'Hide' : 'Reveal'}
                </Button>
                <Button
                  kind="tertiary"
                  size="md"
                  onClick={() => {
                    setCopyError(undefined);
                    void copyText(token.key).then(
                      () => setCopied(true),
                      (failure: Error) => setCopyError(failure.message),
                    );
                  }}
                >
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              </div>
              <p role="status" aria-live="polite" className="cds--helper-text">
                {copied ? 'Copied to the clipboard.' : ''}
              </p>
              {copyError ? (
                <InlineNotification kind="error" role="alert" title="Copy failed" subtitle={copyError} lowContrast />
              ) : null}
            </div>
            <div>
              <p className="cds--label">Try it</p>
              <pre className="vigil-secret">
                {`curl -H "Authorization: Bearer $MONITOR_TOKEN" ${window.location.origin}/api/user/me`}
              </pre>
            </div>
            {mayResetTokens ? (
              <div>
                <Button
                  kind="danger--tertiary"
                  onClick={() => {
                    reset.clearError();
                    setGrace(0);
                    setConfirming(true);
                  }}
                >
                  Reset Token
                </Button>
              </div>
            ) : null}
          </Stack>
        )}
      </LoadedView>
      {mayResetTokens ? (
        <ConfirmModal
          open={confirming}
          heading="Reset your Monitor API token?"
          confirmLabel="Reset Token"
          busy={reset.busy}
          error={reset.error}
          onConfirm={() => void reset.run(grace)}
          onClose={() => setConfirming(false)}
        >
          <p>
            A new token replaces the current one for the team {team.teamName}. Scripts, SDKs and Prometheus remote-write
            senders that use the current token stop working {grace === 0 ? 'at once' : 'when the grace period ends'} and
            must be given the new one.
          </p>
          <Select
            id="reset-grace"
            labelText="Keep the current token working for"
            value={String(grace)}
            onChange={(event) => setGrace(Number(event.target.value))}
          >
            {GRACE.map((option) => (
              <SelectItem key={option.seconds} value={String(option.seconds)} text={option.label} />
            ))}
          </Select>
        </ConfirmModal>
      ) : null}
    </Stack>
  );
}
