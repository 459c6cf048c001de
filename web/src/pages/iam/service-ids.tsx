import { FormModal } from '../../components/form-modal.js';
import { RowMenu } from '../../components/row-menu.js';
import { useState } from 'react';
import { Button, TextArea, TextInput } from '@carbon/react';
import { Add } from '@carbon/icons-react';
import type { ServiceIdBody } from '../../../../src/client/service-ids.js';
import { Link, navigate } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { formatDate, useAction, useLoad } from '../../app/use-api.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { EmptyState, ErrorNotice, LoadedView, PageHeader } from '../../components/page.js';
import { ResourceTable, type Column } from '../../components/resource-table.js';
import { StateTags } from '../../components/status-tags.js';

function serviceIdPath(sid: Pick<ServiceIdBody, 'id'>): string {
  return `/iam/serviceids/${encodeURIComponent(sid.id)}`;
}

/**
 * Manage › Access (IAM) › Service IDs: identities for applications, each with its own API keys and access policies.
 * Create (then its details open), lock and unlock, delete with confirmation (not while locked).
 */
export function ServiceIdsPage() {
  const { client, user } = useSession();
  const [loaded, reload] = useLoad(() => client.serviceIds.list(user.account_id), []);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ServiceIdBody>();
  const toggle = useAction(async (sid: ServiceIdBody) => {
    await (sid.locked ? client.serviceIds.unlock(sid.id) : client.serviceIds.lock(sid.id));
    reload();
  });
  const remove = useAction(async (sid: ServiceIdBody) => {
    await client.serviceIds.delete(sid.id);
    setDeleting(undefined);
    reload();
  });

  const columns: Column<ServiceIdBody>[] = [
    { header: 'Name', render: (sid) => <Link to={serviceIdPath(sid)}>{sid.name}</Link> },
    { header: 'Description', render: (sid) => sid.description || '—' },
    { header: 'Status', render: (sid) => <StateTags locked={sid.locked} /> },
    { header: 'Date created', render: (sid) => formatDate(sid.created_at) },
    { header: 'Last modified', render: (sid) => formatDate(sid.modified_at) },
  ];

  const createButton = (
    <Button renderIcon={Add} onClick={() => setCreating(true)}>
      Create
    </Button>
  );

  return (
    <>
      <PageHeader context="Manage › Access (IAM)" title="Service IDs">
        A service ID is an identity for an application or a script, not a person. It signs in with its own API keys and
        can do exactly what its access policies allow.
      </PageHeader>
      {toggle.error ? (
        <ErrorNotice title="Could not change the service ID" message={toggle.error} onClose={toggle.clearError} />
      ) : null}
      <LoadedView loaded={loaded} what="service IDs" columns={5}>
        {(serviceIds) => (
          <ResourceTable
            title="Service IDs"
            rows={serviceIds}
            rowKey={(sid) => sid.id}
            columns={columns}
            toolbar={createButton}
            empty={
              <EmptyState title="No service IDs yet" action={createButton}>
                Create a service ID for each application that calls vigil&apos;s APIs, then give it an API key and
                access.
              </EmptyState>
            }
            actions={(sid) => (
              <RowMenu
                name={sid.name}
                actions={[
                  { text: 'Details', onClick: () => navigate(serviceIdPath(sid)) },
                  { text: sid.locked ? 'Unlock' : 'Lock', onClick: () => void toggle.run(sid) },
                  {
                    text: 'Delete',
                    danger: true,
                    disabled: sid.locked,
                    onClick: () => (remove.clearError(), setDeleting(sid)),
                  },
                ]}
              />
            )}
          />
        )}
      </LoadedView>
      <CreateServiceIdModal
        open={creating}
        onClose={(created) => {
          setCreating(false);
          if (created) navigate(serviceIdPath(created));
        }}
      />
      <ConfirmModal
        open={deleting !== undefined}
        heading={`Delete service ID "${deleting?.name ?? ''}"?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(undefined)}
      >
        <p>
          Its API keys and access policies are deleted with it: applications that use them can no longer get tokens.
          This cannot be undone.
        </p>
      </ConfirmModal>
    </>
  );
}

function CreateServiceIdModal({
  open,
  onClose,
}: {
  open: boolean;
  onClose: (created: ServiceIdBody | undefined) => void;
}) {
  const { client, user } = useSession();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [invalid, setInvalid] = useState<string>();
  const create = useAction(() =>
    client.serviceIds.create({
      account_id: user.account_id,
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
    }),
  );

  const close = (created: ServiceIdBody | undefined) => {
    setName('');
    setDescription('');
    setInvalid(undefined);
    create.clearError();
    onClose(created);
  };

  const submit = async () => {
    if (name.trim() === '') return setInvalid('Enter a name for the service ID.');
    setInvalid(undefined);
    const created = await create.run();
    if (created) close(created);
  };

  return (
    <FormModal
      open={open}
      heading="Create service ID"
      submitLabel="Create"
      busyLabel="Creating…"
      busy={create.busy}
      error={invalid ?? create.error}
      errorTitle={invalid ? 'Check the form' : 'Could not create the service ID'}
      onSubmit={() => void submit()}
      onClose={() => close(undefined)}
    >
      <TextInput
        id="new-service-id-name"
        labelText="Name"
        value={name}
        maxLength={300}
        onChange={(event) => setName(event.target.value)}
        data-modal-primary-focus
      />
      <TextArea
        id="new-service-id-description"
        labelText="Description (optional)"
        value={description}
        maxLength={2000}
        rows={3}
        onChange={(event) => setDescription(event.target.value)}
      />
    </FormModal>
  );
}
