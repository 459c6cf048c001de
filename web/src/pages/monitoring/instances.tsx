import { FormModal } from '../../components/form-modal.js';
import { RowMenu } from '../../components/row-menu.js';
import { useState } from 'react';
import { Button, TextInput } from '@carbon/react';
import { Add } from '@carbon/icons-react';
import type { InstanceBody } from '../../../../src/client/instances.js';
import { Link } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { formatDate, useAction, useLoad } from '../../app/use-api.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { EmptyState, LoadedView, PageHeader } from '../../components/page.js';
import { ResourceTable, type Column } from '../../components/resource-table.js';
import { instancePath } from './instance-frame.js';

/** Monitoring › Instances: the account's monitoring instances; administrators create and delete them. */
export function InstancesPage() {
  const { client, user } = useSession();
  const [loaded, reload] = useLoad(() => client.instances.list(), []);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<InstanceBody>();
  const create = useAction(async (instanceName: string) => {
    await client.instances.create({ name: instanceName });
    setCreating(false);
    setName('');
    reload();
  });
  const remove = useAction(async (instance: InstanceBody) => {
    await client.instances.delete(instance.guid);
    setDeleting(undefined);
    reload();
  });

  const columns: Column<InstanceBody>[] = [
    {
      header: 'Name',
      render: (instance) => <Link to={instancePath(instance.guid, 'settings/monitor-api')}>{instance.name}</Link>,
    },
    { header: 'Instance ID (IBMInstanceID)', render: (instance) => <code>{instance.guid}</code> },
    { header: 'Region', render: (instance) => instance.region },
    { header: 'Created', render: (instance) => formatDate(instance.created_at) },
  ];
  const createButton = user.admin ? (
    <Button renderIcon={Add} onClick={() => (create.clearError(), setCreating(true))}>
      Create instance
    </Button>
  ) : null;

  return (
    <>
      <PageHeader context="Monitoring" title="Monitoring instances">
        Each instance has its own teams, users and Monitor API tokens. Open one for Settings › Monitor API and its
        teams.
      </PageHeader>
      <LoadedView loaded={loaded} what="monitoring instances">
        {(instances) => (
          <ResourceTable
            title="Instances"
            rows={instances}
            rowKey={(instance) => instance.guid}
            columns={columns}
            toolbar={createButton}
            empty={
              <EmptyState title="No monitoring instances" action={createButton}>
                {user.admin
                  ? 'Create an instance to receive metrics and give people Monitor API tokens.'
                  : 'You have access to no instance yet: ask an administrator for a role on one.'}
              </EmptyState>
            }
            {...(user.admin
              ? {
                  actions: (instance: InstanceBody) => (
                    <RowMenu
                      name={instance.name}
                      actions={[
                        { text: 'Delete', danger: true, onClick: () => (remove.clearError(), setDeleting(instance)) },
                      ]}
                    />
                  ),
                }
              : {})}
          />
        )}
      </LoadedView>
      <FormModal
        open={creating}
        heading="Create a monitoring instance"
        submitLabel="Create"
        busyLabel="Creating…"
        busy={create.busy}
        error={create.error}
        errorTitle={'Could not create the instance'}
        onSubmit={() => void create.run(name.trim())}
        onClose={() => setCreating(false)}
      >
        <TextInput
          id="new-instance-name"
          labelText="Name"
          value={name}
          maxLength={180}
          onChange={(event) => setName(event.target.value)}
        />
      </FormModal>
      <ConfirmModal
        open={deleting !== undefined}
        heading={`Delete instance "${deleting?.name ?? ''}"?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(undefined)}
      >
        <p>
          Its teams, users and Monitor API tokens are deleted with it: every script and sender using one of its tokens
          stops working. This cannot be undone.
        </p>
      </ConfirmModal>
    </>
  );
}
