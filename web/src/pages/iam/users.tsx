import { FormModal } from '../../components/form-modal.js';
import { RowMenu } from '../../components/row-menu.js';
import { useState } from 'react';
import { Button, Checkbox, PasswordInput, Tag, TextInput } from '@carbon/react';
import { Add } from '@carbon/icons-react';
import type { UserBody } from '../../../../src/client/users.js';
import { useSession } from '../../app/session.js';
import { formatDate, useAction, useLoad } from '../../app/use-api.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { EmptyState, ErrorNotice, LoadedView, PageHeader } from '../../components/page.js';
import { ResourceTable, type Column } from '../../components/resource-table.js';

/**
 * Manage › Access (IAM) › Users (administrators): the people of the account. Add a user with a first password (an
 * invited, pending user is completed the same way), disable and enable (a disabled user's sessions and tokens stop
 * at once), unlock a sign-in locked after too many wrong passwords, delete with confirmation. Nobody can
 * disable or delete themselves. Anyone else who opens the page sees the API's refusal in place.
 */
export function UsersPage() {
  const { client, user: me } = useSession();
  const [loaded, reload] = useLoad(() => client.users.list(), []);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<UserBody>();
  const toggle = useAction(async (user: UserBody) => {
    await (user.state === 'DISABLED' ? client.users.enable(user.iam_id) : client.users.disable(user.iam_id));
    reload();
  });
  const unlock = useAction(async (user: UserBody) => {
    await client.users.unlockSignIn(user.iam_id);
    reload();
  });
  const remove = useAction(async (user: UserBody) => {
    await client.users.delete(user.iam_id);
    setDeleting(undefined);
    reload();
  });

  const columns: Column<UserBody>[] = [
    {
      header: 'Name',
      render: (user) => (
        <>
          {user.name}
          {user.iam_id === me.iam_id ? ' (you)' : ''}
        </>
      ),
    },
    { header: 'Email', render: (user) => user.email },
    {
      header: 'Access',
      render: (user) =>
        user.admin ? (
          <Tag type="purple" size="sm">
            Administrator
          </Tag>
        ) : (
          'Member'
        ),
    },
    {
      header: 'State',
      render: (user) => (
        <>
          <StateTag state={user.state} />
          {user.signin_locked_until ? (
            <Tag type="magenta" size="sm" title={`Until ${formatDate(user.signin_locked_until)}`}>
              Sign-in locked
            </Tag>
          ) : null}
        </>
      ),
    },
    { header: 'Date added', render: (user) => formatDate(user.created_at) },
  ];

  const createButton = (
    <Button renderIcon={Add} onClick={() => setCreating(true)}>
      Add user
    </Button>
  );

  return (
    <>
      <PageHeader context="Manage › Access (IAM)" title="Users">
        The people of your account. They sign in to the console and to the command line with their email and password;
        what they may do beyond their own API keys comes from their access policies (administrators may do everything).
      </PageHeader>
      {toggle.error ? (
        <ErrorNotice title="Could not change the user" message={toggle.error} onClose={toggle.clearError} />
      ) : null}
      {unlock.error ? (
        <ErrorNotice title="Could not unlock the sign-in" message={unlock.error} onClose={unlock.clearError} />
      ) : null}
      <LoadedView loaded={loaded} what="users" columns={5}>
        {(users) => (
          <ResourceTable
            title="Users"
            rows={users}
            rowKey={(user) => user.iam_id}
            columns={columns}
            toolbar={createButton}
            empty={
              <EmptyState title="No users" action={createButton}>
                Add the people who use this account.
              </EmptyState>
            }
            actions={(user) =>
              user.iam_id === me.iam_id ? null : (
                <RowMenu
                  name={user.email}
                  actions={[
                    { text: user.state === 'DISABLED' ? 'Enable' : 'Disable', onClick: () => void toggle.run(user) },
                    ...(user.signin_locked_until
                      ? [{ text: 'Unlock sign-in', onClick: () => void unlock.run(user) }]
                      : []),
                    { text: 'Delete', danger: true, onClick: () => (remove.clearError(), setDeleting(user)) },
                  ]}
                />
              )
            }
          />
        )}
      </LoadedView>
      <CreateUserModal
        open={creating}
        mayMakeAdmin={me.admin}
        onClose={(created) => {
          setCreating(false);
          if (created) reload();
        }}
      />
      <ConfirmModal
        open={deleting !== undefined}
        heading={`Delete user ${deleting?.email ?? ''}?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(undefined)}
      >
        <p>
          {deleting?.name ?? 'The user'} can no longer sign in. Their API keys, sessions and access policies are deleted
          with them. This cannot be undone; to stop access for a while, disable the user instead.
        </p>
      </ConfirmModal>
    </>
  );
}

function CreateUserModal({
  open,
  mayMakeAdmin,
  onClose,
}: {
  open: boolean;
  mayMakeAdmin: boolean;
  onClose: (created: boolean) => void;
}) {
  const { client } = useSession();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const [invalid, setInvalid] = useState<string>();
  const create = useAction(() =>
    client.users.create({ email: email.trim(), name: name.trim(), password, ...(admin ? { admin } : {}) }),
  );

  const close = (created: boolean) => {
    setEmail('');
    setName('');
    setPassword('');
    setAdmin(false);
    setInvalid(undefined);
    create.clearError();
    onClose(created);
  };

  const submit = async () => {
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) return setInvalid('Enter the email of the user.');
    if (name.trim() === '') return setInvalid('Enter the name of the user.');
    if (password.length < 8) return setInvalid('The first password needs at least 8 characters.');
    setInvalid(undefined);
    if (await create.run()) close(true);
  };

  return (
    <FormModal
      open={open}
      heading="Add a user"
      submitLabel="Add"
      busyLabel="Adding…"
      busy={create.busy}
      error={invalid ?? create.error}
      errorTitle={invalid ? 'Check the form' : 'Could not add the user'}
      onSubmit={() => void submit()}
      onClose={() => close(false)}
    >
      <TextInput
        id="new-user-email"
        labelText="Email"
        type="email"
        autoComplete="off"
        value={email}
        maxLength={254}
        onChange={(event) => setEmail(event.target.value)}
        data-modal-primary-focus
      />
      <TextInput
        id="new-user-name"
        labelText="Name"
        value={name}
        maxLength={200}
        onChange={(event) => setName(event.target.value)}
      />
      <PasswordInput
        id="new-user-password"
        labelText="First password"
        helperText="At least 8 characters. Give it to the user; they can change it after signing in."
        autoComplete="new-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      {mayMakeAdmin ? (
        <Checkbox
          id="new-user-admin"
          labelText="Account administrator"
          helperText="May do everything in the account, including managing users and access."
          checked={admin}
          onChange={(_event, { checked }) => setAdmin(checked)}
        />
      ) : null}
    </FormModal>
  );
}

/** Active, Disabled, or Pending: invited to a monitoring instance, not set up yet (no password, no sign-in). */
function StateTag({ state }: { state: UserBody['state'] }) {
  if (state === 'ACTIVE') {
    return (
      <Tag type="green" size="sm">
        Active
      </Tag>
    );
  }
  if (state === 'PENDING') {
    return (
      <Tag type="cool-gray" size="sm" title="Invited; add the user with this email to set a password">
        Pending
      </Tag>
    );
  }
  return (
    <Tag type="red" size="sm">
      Disabled
    </Tag>
  );
}
