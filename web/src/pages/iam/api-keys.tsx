import { RowMenu } from '../../components/row-menu.js';
import { useState } from 'react';
import { Button, ContentSwitcher, Switch } from '@carbon/react';
import { Add } from '@carbon/icons-react';
import type { ApiKeyBody } from '../../../../src/client/api-keys.js';
import { useSession } from '../../app/session.js';
import { formatDate, useAction, useLoad } from '../../app/use-api.js';
import { ApiKeyCreateModal } from '../../components/api-key-create-modal.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { EmptyState, ErrorNotice, LoadedView, PageHeader } from '../../components/page.js';
import { ResourceTable, type Column } from '../../components/resource-table.js';
import { StateTags } from '../../components/status-tags.js';

/**
 * Manage › Access (IAM) › API keys: the user's own keys (administrators can switch to every key of the account),
 * create (shown once), lock and unlock, delete with confirmation.
 */
export function ApiKeysPage() {
  const { client, user } = useSession();
  const [wholeAccount, setWholeAccount] = useState(false);
  const [loaded, reload] = useLoad(
    () => client.apiKeys.list({ wholeAccount, activity: true, ...(wholeAccount ? {} : { iamId: user.iam_id }) }),
    [wholeAccount],
  );
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ApiKeyBody>();
  const toggle = useAction(async (key: ApiKeyBody) => {
    await (key.locked ? client.apiKeys.unlock(key.id) : client.apiKeys.lock(key.id));
    reload();
  });
  const remove = useAction(async (key: ApiKeyBody) => {
    await client.apiKeys.delete(key.id);
    setDeleting(undefined);
    reload();
  });

  const columns: Column<ApiKeyBody>[] = [
    { header: 'Name', render: (key) => key.name },
    { header: 'Description', render: (key) => key.description || '—' },
    ...(wholeAccount ? [{ header: 'Owner', render: (key: ApiKeyBody) => key.iam_id }] : []),
    { header: 'Status', render: (key) => <StateTags locked={key.locked} disabled={key.disabled} /> },
    { header: 'Date created', render: (key) => formatDate(key.created_at) },
    { header: 'Last used', render: (key) => formatDate(key.activity?.last_authn) },
  ];

  const createButton = (
    <Button renderIcon={Add} onClick={() => setCreating(true)}>
      Create
    </Button>
  );

  return (
    <>
      <PageHeader context="Manage › Access (IAM)" title="API keys">
        An API key signs a script or a program in as you: exchange it for an IAM access token at /identity/token, or
        save it for <code>vigil login --apikey @file</code>. Keys of service IDs are managed under Service IDs.
      </PageHeader>
      {user.admin ? (
        <ContentSwitcher
          size="md"
          selectedIndex={wholeAccount ? 1 : 0}
          onChange={({ index }) => setWholeAccount(index === 1)}
          style={{ maxWidth: '32rem', marginBottom: '1rem' }}
        >
          <Switch name="mine" text="My API keys" />
          <Switch name="account" text="All API keys of the account" />
        </ContentSwitcher>
      ) : null}
      {toggle.error ? (
        <ErrorNotice title="Could not change the key" message={toggle.error} onClose={toggle.clearError} />
      ) : null}
      <LoadedView loaded={loaded} what="API keys" columns={5}>
        {(keys) => (
          <ResourceTable
            title={wholeAccount ? 'All API keys of the account' : 'My API keys'}
            rows={keys}
            rowKey={(key) => key.id}
            columns={columns}
            toolbar={createButton}
            empty={
              <EmptyState title="No API keys yet" action={createButton}>
                Create a key to use vigil's APIs from scripts, SDKs and the command line.
              </EmptyState>
            }
            actions={(key) => (
              <RowMenu
                name={key.name}
                actions={[
                  { text: key.locked ? 'Unlock' : 'Lock', onClick: () => void toggle.run(key) },
                  {
                    text: 'Delete',
                    danger: true,
                    disabled: key.locked,
                    onClick: () => (remove.clearError(), setDeleting(key)),
                  },
                ]}
              />
            )}
          />
        )}
      </LoadedView>
      <ApiKeyCreateModal
        open={creating}
        heading="Create IBM Cloud API key"
        create={(name, description) => client.apiKeys.create({ name, description, iam_id: user.iam_id })}
        onClose={(created) => {
          setCreating(false);
          if (created) reload();
        }}
      />
      <ConfirmModal
        open={deleting !== undefined}
        heading={`Delete API key "${deleting?.name ?? ''}"?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(undefined)}
      >
        <p>
          Scripts and programs that use this key can no longer get tokens. Tokens already issued with it stay valid
          until they expire (one hour at most). This cannot be undone.
        </p>
      </ConfirmModal>
    </>
  );
}
