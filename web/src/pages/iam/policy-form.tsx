import { RowMenu } from '../../components/row-menu.js';
import { useState, type ReactNode } from 'react';
import {
  Checkbox,
  CheckboxGroup,
  InlineNotification,
  Modal,
  Select,
  SelectItem,
  SelectItemGroup,
  Stack,
  Tag,
} from '@carbon/react';
import type { PolicyWire } from '../../../../src/client/policies.js';
import { useSession } from '../../app/session.js';
import { formatDate, useAction, useLoad } from '../../app/use-api.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { ResourceTable, type Column } from '../../components/resource-table.js';
import {
  MONITOR_SERVICE,
  monitorPolicy,
  rolesLabel,
  scopeLabel,
  scopeOf,
  subjectKindOf,
  subjectLabel,
  subjectOf,
  type PolicyNames,
  type SubjectOption,
} from './policy-model.js';

/**
 * "Assign access": roles on `sysdig-monitor` for one user or service ID, on every instance of the account or one, and
 * within it every team or one. The subject is fixed (a service ID's own tab) or picked from `subjects`.
 */
export function AssignAccessModal({
  open,
  heading,
  subject,
  subjects,
  onClose,
}: {
  open: boolean;
  heading: string;
  /** The subject when the page already names it. */
  subject?: SubjectOption;
  /** The subjects to choose from otherwise. */
  subjects?: readonly SubjectOption[];
  onClose: (assigned: boolean) => void;
}) {
  const { client, monitorClient, user } = useSession();
  const [roles] = useLoad(() => client.policies.roles(MONITOR_SERVICE), []);
  const [instances] = useLoad(() => client.instances.list(), []);
  const [picked, setPicked] = useState('');
  const [roleCrns, setRoleCrns] = useState<readonly string[]>([]);
  const [instanceGuid, setInstanceGuid] = useState('');
  const [teamId, setTeamId] = useState('');
  const [invalid, setInvalid] = useState<string>();
  const [teams] = useLoad(
    () => (instanceGuid ? monitorClient(instanceGuid).teams.list() : Promise.resolve([])),
    [instanceGuid],
  );
  const assign = useAction(async () => {
    const subjectIamId = subject?.iamId ?? picked;
    await client.policies.create(
      monitorPolicy({ accountId: user.account_id, subjectIamId, roleCrns, instanceGuid, teamId }),
    );
    return true;
  });

  const close = (assigned: boolean) => {
    setPicked('');
    setRoleCrns([]);
    setInstanceGuid('');
    setTeamId('');
    setInvalid(undefined);
    assign.clearError();
    onClose(assigned);
  };

  const submit = async () => {
    if (!subject && picked === '') return setInvalid('Choose a user or service ID.');
    if (roleCrns.length === 0) return setInvalid('Choose at least one role.');
    setInvalid(undefined);
    if (await assign.run()) close(true);
  };

  const toggleRole = (crn: string, checked: boolean) =>
    setRoleCrns((current) => (checked ? [...current, crn] : current.filter((role) => role !== crn)));

  const users = subjects?.filter((option) => option.kind === 'user') ?? [];
  const serviceIds = subjects?.filter((option) => option.kind === 'serviceid') ?? [];

  return (
    <Modal
      open={open}
      modalHeading={heading}
      primaryButtonText={assign.busy ? 'Assigning…' : 'Assign'}
      secondaryButtonText="Cancel"
      primaryButtonDisabled={assign.busy}
      onRequestSubmit={() => void submit()}
      onRequestClose={() => close(false)}
      size="md"
    >
      <Stack gap={6}>
        {subject ? (
          <p>
            Access for <strong>{subject.label}</strong> on the monitoring service, <code>{MONITOR_SERVICE}</code>.
          </p>
        ) : (
          <Select
            id="assign-access-subject"
            labelText="User or service ID"
            value={picked}
            onChange={(event) => setPicked(event.target.value)}
            data-modal-primary-focus
          >
            <SelectItem value="" text="Choose a user or service ID" />
            {users.length > 0 ? (
              <SelectItemGroup label="Users">
                {users.map((option) => (
                  <SelectItem key={option.iamId} value={option.iamId} text={option.label} />
                ))}
              </SelectItemGroup>
            ) : null}
            {serviceIds.length > 0 ? (
              <SelectItemGroup label="Service IDs">
                {serviceIds.map((option) => (
                  <SelectItem key={option.iamId} value={option.iamId} text={option.label} />
                ))}
              </SelectItemGroup>
            ) : null}
          </Select>
        )}
        <Select
          id="assign-access-instance"
          labelText="Monitoring instance"
          helperText="Every instance of the account, or only one."
          value={instanceGuid}
          disabled={instances.status !== 'ready'}
          onChange={(event) => {
            setInstanceGuid(event.target.value);
            setTeamId('');
          }}
        >
          <SelectItem value="" text="All instances" />
          {instances.status === 'ready'
            ? instances.data.map((instance) => (
                <SelectItem key={instance.guid} value={instance.guid} text={instance.name} />
              ))
            : null}
        </Select>
        {instances.status === 'error' ? <Problem title="Could not load instances" message={instances.message} /> : null}
        <Select
          id="assign-access-team"
          labelText="Team"
          helperText={
            instanceGuid ? 'Every team of the instance, or only one.' : 'Choose an instance to limit access to a team.'
          }
          value={teamId}
          disabled={!instanceGuid || teams.status !== 'ready'}
          onChange={(event) => setTeamId(event.target.value)}
        >
          <SelectItem value="" text={instanceGuid && teams.status === 'loading' ? 'Loading teams…' : 'All teams'} />
          {instanceGuid && teams.status === 'ready'
            ? teams.data.map((team) => <SelectItem key={team.id} value={String(team.id)} text={team.name} />)
            : null}
        </Select>
        {instanceGuid && teams.status === 'error' ? (
          <Problem title="Could not load teams" message={teams.message} />
        ) : null}
        {roles.status === 'error' ? <Problem title="Could not load roles" message={roles.message} /> : null}
        {roles.status === 'ready' ? (
          <>
            <RoleGroup
              legend="Platform access"
              roles={roles.data.system_roles}
              checked={roleCrns}
              onToggle={toggleRole}
            />
            <RoleGroup
              legend="Service access"
              roles={roles.data.service_roles}
              checked={roleCrns}
              onToggle={toggleRole}
            />
          </>
        ) : null}
        {invalid ? <Problem title="Not yet" message={invalid} /> : null}
        {assign.error ? <Problem title="Could not assign access" message={assign.error} /> : null}
      </Stack>
    </Modal>
  );
}

function RoleGroup({
  legend,
  roles,
  checked,
  onToggle,
}: {
  legend: string;
  roles: readonly { crn: string; display_name: string; description: string }[];
  checked: readonly string[];
  onToggle: (crn: string, checked: boolean) => void;
}) {
  return (
    <CheckboxGroup legendText={legend}>
      {roles.map((role) => {
        const id = `role-${role.crn.replace(/[^A-Za-z0-9]/g, '-')}`;
        return (
          <div key={role.crn}>
            <Checkbox
              id={id}
              labelText={role.display_name}
              aria-describedby={`${id}-description`}
              checked={checked.includes(role.crn)}
              onChange={(_event, { checked: on }) => onToggle(role.crn, on)}
            />
            <p id={`${id}-description`} className="cds--form__helper-text" style={{ margin: '0 0 0.5rem 1.75rem' }}>
              {role.description}
            </p>
          </div>
        );
      })}
    </CheckboxGroup>
  );
}

function Problem({ title, message }: { title: string; message: string }) {
  return <InlineNotification kind="error" role="alert" title={title} subtitle={message} lowContrast hideCloseButton />;
}

/**
 * A list of access policies: who (unless the page is about one subject), which roles, where; each with Remove, which
 * asks first.
 */
export function PolicyTable({
  title,
  policies,
  names,
  showSubject,
  toolbar,
  empty,
  onRemoved,
}: {
  title: string;
  policies: readonly PolicyWire[];
  names: PolicyNames;
  showSubject: boolean;
  toolbar: ReactNode;
  empty: ReactNode;
  onRemoved: () => void;
}) {
  const { client } = useSession();
  const [removing, setRemoving] = useState<PolicyWire>();
  const remove = useAction(async (policy: PolicyWire) => {
    await client.policies.delete(policy.id);
    setRemoving(undefined);
    onRemoved();
  });

  const columns: Column<PolicyWire>[] = [
    ...(showSubject
      ? [
          { header: 'Subject', render: (policy: PolicyWire) => subjectLabel(policy, names) },
          {
            header: 'Type',
            render: (policy: PolicyWire) => {
              const iamId = subjectOf(policy);
              if (!iamId) return 'Access group';
              return subjectKindOf(iamId) === 'serviceid' ? 'Service ID' : 'User';
            },
          },
        ]
      : []),
    {
      header: 'Roles',
      render: (policy) =>
        policy.roles.map((role) => (
          <Tag key={role.role_id} type="cool-gray" size="sm">
            {role.display_name}
          </Tag>
        )),
    },
    { header: 'Service', render: (policy) => scopeOf(policy, names).service },
    { header: 'Instance', render: (policy) => scopeOf(policy, names).instance },
    { header: 'Team', render: (policy) => scopeOf(policy, names).team ?? 'All teams' },
    { header: 'Assigned', render: (policy) => formatDate(policy.created_at) },
  ];

  const describe = (policy: PolicyWire) =>
    `${rolesLabel(policy)} on ${scopeLabel(policy, names)}${showSubject ? ` for ${subjectLabel(policy, names)}` : ''}`;

  return (
    <>
      <ResourceTable
        title={title}
        rows={policies}
        rowKey={(policy) => policy.id}
        columns={columns}
        toolbar={toolbar}
        empty={empty}
        actions={(policy) => (
          <RowMenu
            name={`the policy ${describe(policy)}`}
            actions={[{ text: 'Remove', danger: true, onClick: () => (remove.clearError(), setRemoving(policy)) }]}
          />
        )}
      />
      <ConfirmModal
        open={removing !== undefined}
        heading="Remove access policy?"
        confirmLabel="Remove"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => removing && void remove.run(removing)}
        onClose={() => setRemoving(undefined)}
      >
        <p>{removing ? describe(removing) : ''}. The access ends at once, for tokens already issued too.</p>
      </ConfirmModal>
    </>
  );
}
