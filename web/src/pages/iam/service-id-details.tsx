import { RowMenu } from '../../components/row-menu.js';
import { useState } from 'react';
import { Button, Tab, TabList, TabPanel, TabPanels, Tabs } from '@carbon/react';
import { Add, Copy } from '@carbon/icons-react';
import type { ApiKeyBody } from '../../../../src/client/api-keys.js';
import type { ServiceIdBody } from '../../../../src/client/service-ids.js';
import { Link } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { formatDate, useAction, useLoad } from '../../app/use-api.js';
import { ApiKeyCreateModal } from '../../components/api-key-create-modal.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { copyText } from '../../components/copy.js';
import { EmptyState, LoadedView, PageHeader } from '../../components/page.js';
import { ResourceTable, type Column } from '../../components/resource-table.js';
import { StateTags } from '../../components/status-tags.js';
import { AssignAccessModal, PolicyTable } from './policy-form.js';
import { loadScopeNames, type PolicyNames } from './policy-model.js';

/** A service ID: its name, description and IAM ID (copyable), and tabs for its API keys and its access policies. */
export function ServiceIdDetailsPage({ id }: { id: string }) {
  const { client } = useSession();
  const [loaded] = useLoad(() => client.serviceIds.get(id, { activity: true }), [id]);

  return (
    <>
      <p style={{ marginBottom: '0.5rem' }}>
        <Link to="/iam/serviceids">Service IDs</Link>
      </p>
      {loaded.status === 'ready' ? (
        <ServiceIdDetails sid={loaded.data} />
      ) : (
        <>
          <PageHeader context="Manage › Access (IAM) › Service IDs" title="Service ID" />
          <LoadedView loaded={loaded} what="the service ID">
            {() => null}
          </LoadedView>
        </>
      )}
    </>
  );
}

const FACTS = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fit, minmax(12rem, max-content))',
  gap: '1rem 3rem',
  marginBottom: '2rem',
} as const;

function ServiceIdDetails({ sid }: { sid: ServiceIdBody }) {
  const [copied, setCopied] = useState<string>();
  return (
    <>
      <PageHeader context="Manage › Access (IAM) › Service IDs" title={sid.name}>
        {sid.description || 'No description.'}
      </PageHeader>
      <dl style={FACTS}>
        <div>
          <dt className="cds--label">ID</dt>
          <dd>
            <div style={{ display: 'flex', alignItems: 'center', gap: '0.5rem', flexWrap: 'wrap' }}>
              <code data-testid="service-id-iam-id">{sid.iam_id}</code>
              <Button
                kind="ghost"
                size="sm"
                renderIcon={Copy}
                onClick={() =>
                  void copyText(sid.iam_id).then(
                    () => setCopied('Copied the ID to the clipboard.'),
                    (failure: Error) => setCopied(failure.message),
                  )
                }
              >
                Copy ID
              </Button>
            </div>
            <p role="status" aria-live="polite" className="cds--helper-text">
              {copied ?? ''}
            </p>
          </dd>
        </div>
        <div>
          <dt className="cds--label">Status</dt>
          <dd>
            <StateTags locked={sid.locked} />
          </dd>
        </div>
        <div>
          <dt className="cds--label">Date created</dt>
          <dd>{formatDate(sid.created_at)}</dd>
        </div>
        <div>
          <dt className="cds--label">Last used</dt>
          <dd>{formatDate(sid.activity?.last_authn)}</dd>
        </div>
      </dl>
      <Tabs>
        <TabList aria-label={`${sid.name}: API keys and access policies`}>
          <Tab>API keys</Tab>
          <Tab>Access policies</Tab>
        </TabList>
        <TabPanels>
          <TabPanel>
            <ServiceIdKeys sid={sid} />
          </TabPanel>
          <TabPanel>
            <ServiceIdPolicies sid={sid} />
          </TabPanel>
        </TabPanels>
      </Tabs>
    </>
  );
}

function ServiceIdKeys({ sid }: { sid: ServiceIdBody }) {
  const { client } = useSession();
  const [loaded, reload] = useLoad(() => client.apiKeys.list({ iamId: sid.iam_id, activity: true }), [sid.iam_id]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ApiKeyBody>();
  const remove = useAction(async (key: ApiKeyBody) => {
    await client.apiKeys.delete(key.id);
    setDeleting(undefined);
    reload();
  });

  const columns: Column<ApiKeyBody>[] = [
    { header: 'Name', render: (key) => key.name },
    { header: 'Description', render: (key) => key.description || '—' },
    { header: 'Status', render: (key) => <StateTags locked={key.locked} disabled={key.disabled} /> },
    { header: 'Date created', render: (key) => formatDate(key.created_at) },
    { header: 'Last used', render: (key) => formatDate(key.activity?.last_authn) },
  ];
  const createButton = (
    <Button renderIcon={Add} onClick={() => setCreating(true)}>
      Create API key
    </Button>
  );

  return (
    <>
      <LoadedView loaded={loaded} what="the service ID's API keys" columns={5}>
        {(keys) => (
          <ResourceTable
            title={`API keys of ${sid.name}`}
            description="The application signs in with one of these keys at /identity/token."
            rows={keys}
            rowKey={(key) => key.id}
            columns={columns}
            toolbar={createButton}
            empty={
              <EmptyState title="No API keys yet" action={createButton}>
                Create a key for the application to sign in as this service ID.
              </EmptyState>
            }
            actions={(key) => (
              <RowMenu
                name={key.name}
                actions={[
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
        heading={`Create API key for ${sid.name}`}
        create={(name, description) => client.apiKeys.create({ name, description, iam_id: sid.iam_id })}
        onClose={(created) => {
          setCreating(false);
          if (created) reload();
        }}
      />
      <ConfirmModal
        open={deleting !== undefined}
        heading={`Delete API key "${deleting?.name ?? ''}" of ${sid.name}?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(undefined)}
      >
        <p>
          The application that uses this key can no longer get tokens with it. Tokens already issued stay valid until
          they expire (one hour at most). This cannot be undone.
        </p>
      </ConfirmModal>
    </>
  );
}

function ServiceIdPolicies({ sid }: { sid: ServiceIdBody }) {
  const { client, monitorClient, user } = useSession();
  const [loaded, reload] = useLoad(async () => {
    const policies = await client.policies.list({ accountId: user.account_id, iamId: sid.iam_id, type: 'access' });
    const scope = await loadScopeNames(client, monitorClient, policies);
    const names: PolicyNames = { subjects: new Map(), ...scope };
    return { policies, names };
  }, [sid.iam_id]);
  const [assigning, setAssigning] = useState(false);
  const assignButton = (
    <Button renderIcon={Add} onClick={() => setAssigning(true)}>
      Assign access
    </Button>
  );

  return (
    <>
      <LoadedView loaded={loaded} what="the service ID's access policies" columns={5}>
        {({ policies, names }) => (
          <PolicyTable
            title={`Access policies of ${sid.name}`}
            policies={policies}
            names={names}
            showSubject={false}
            toolbar={assignButton}
            onRemoved={reload}
            empty={
              <EmptyState title="No access yet" action={assignButton}>
                A service ID can do nothing until it has an access policy. Assign it a role on the monitoring service.
              </EmptyState>
            }
          />
        )}
      </LoadedView>
      <AssignAccessModal
        open={assigning}
        heading={`Assign access to ${sid.name}`}
        subject={{ iamId: sid.iam_id, kind: 'serviceid', label: sid.name }}
        onClose={(assigned) => {
          setAssigning(false);
          if (assigned) reload();
        }}
      />
    </>
  );
}
