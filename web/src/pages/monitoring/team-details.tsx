import { useState } from 'react';
import { Button, InlineNotification, Select, SelectItem, Stack, TextArea, TextInput, Tile } from '@carbon/react';
import type { TeamBody } from '../../../../src/client/teams.js';
import { VigilApiError } from '../../../../src/client/errors.js';
import { navigate } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { useAction, useLoad } from '../../app/use-api.js';
import { ConfirmModal } from '../../components/confirm-modal.js';
import { EmptyState, ErrorNotice, LoadedView } from '../../components/page.js';
import { ResourceTable } from '../../components/resource-table.js';
import { InstanceFrame, instancePath, type InstanceScope } from './instance-frame.js';
import { roleLabel, scopeProblem, TEAM_ROLES } from './team-scope.js';

type Member = TeamBody['userRoles'][number];

/** One team: its scope (administrators edit it), its members and their roles (administrators and its managers). */
export function TeamDetailsPage({ guid, teamId }: { guid: string; teamId: number }) {
  return (
    <InstanceFrame guid={guid} section="teams" title="Team">
      {(scope) => <TeamDetails key={teamId} scope={scope} teamId={teamId} />}
    </InstanceFrame>
  );
}

function TeamDetails({ scope, teamId }: { scope: InstanceScope; teamId: number }) {
  const session = useSession();
  const ownRole = scope.me.teamRoles.find((role) => role.teamId === teamId)?.role;
  // A team's manager acts in that team (SysdigTeamID) to manage it; an administrator may act from any team.
  const client = ownRole ? session.monitorClient(scope.instance.guid, teamId) : scope.client;
  const mayManage = scope.isAdmin || ownRole === 'ROLE_TEAM_MANAGER';
  const [loaded, reload] = useLoad(() => client.teams.get(teamId), [client, teamId]);

  return (
    <LoadedView loaded={loaded} what="the team" columns={3}>
      {(team) => (
        <Stack gap={7}>
          <div>
            <h2 className="cds--type-productive-heading-04">{team.name}</h2>
            <p>{team.description || 'No description.'}</p>
          </div>
          <ScopeEditor team={team} client={client} editable={scope.isAdmin && !team.immutable} onSaved={reload} />
          <Members team={team} client={client} mayManage={mayManage} onChanged={reload} />
          {scope.isAdmin && !team.default ? <DeleteTeam team={team} scope={scope} client={client} /> : null}
        </Stack>
      )}
    </LoadedView>
  );
}

type Client = InstanceScope['client'];

function ScopeEditor({
  team,
  client,
  editable,
  onSaved,
}: {
  team: TeamBody;
  client: Client;
  editable: boolean;
  onSaved: () => void;
}) {
  const [filter, setFilter] = useState(team.filter ?? '');
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    await client.teams.update(team.id, { name: team.name, version: team.version, filter: filter.trim() || null });
    setSaved(true);
    onSaved();
  });
  const submit = () => {
    setSaved(false);
    const found = scopeProblem(filter);
    setProblem(found);
    if (!found) void save.run();
  };

  return (
    <Tile>
      <Stack gap={5}>
        <h3 className="cds--type-productive-heading-03">Scope</h3>
        <TextArea
          id="team-scope"
          labelText="Scope"
          helperText={
            team.immutable
              ? 'The default team sees everything; its scope cannot change.'
              : 'Conditions joined by "and", e.g. kubernetes.namespace.name = "payments". Empty: everything.'
          }
          value={filter}
          rows={3}
          readOnly={!editable}
          onChange={(event) => setFilter(event.target.value)}
        />
        {problem || save.error ? (
          <InlineNotification
            kind="error"
            role="alert"
            title="The scope was not saved"
            subtitle={problem ?? save.error}
            lowContrast
            hideCloseButton
          />
        ) : null}
        {saved ? (
          <InlineNotification kind="success" role="status" title="Scope saved." lowContrast hideCloseButton />
        ) : null}
        {editable ? (
          <div>
            <Button onClick={submit} disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save scope'}
            </Button>
          </div>
        ) : null}
      </Stack>
    </Tile>
  );
}

function Members({
  team,
  client,
  mayManage,
  onChanged,
}: {
  team: TeamBody;
  client: Client;
  mayManage: boolean;
  onChanged: () => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string>('ROLE_TEAM_READ');
  const [removing, setRemoving] = useState<Member>();
  const memberships = (members: readonly Member[]) => members.map((m) => ({ userId: m.userId, role: m.role }));
  const write = (userRoles: { userId: number; role: string }[]) =>
    client.teams.update(team.id, { name: team.name, version: team.version, userRoles });

  const add = useAction(async () => {
    const username = email.trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(username)) throw new Error('Enter the email address of the person to add.');
    // Someone who has not used the instance yet is invited: the membership applies from their first sign-in.
    const user = await client.monitorUsers.get(username).catch(async (error: unknown) => {
      if (error instanceof VigilApiError && error.status === 404) return client.monitorUsers.invite({ username });
      throw error;
    });
    if (team.userRoles.some((member) => member.userId === user.id)) throw new Error(`${username} is already a member.`);
    await write([...memberships(team.userRoles), { userId: user.id, role }]);
    setEmail('');
    onChanged();
  });
  const change = useAction(async (member: Member, newRole: string) => {
    await write(memberships(team.userRoles).map((m) => (m.userId === member.userId ? { ...m, role: newRole } : m)));
    onChanged();
  });
  const remove = useAction(async (member: Member) => {
    await write(memberships(team.userRoles).filter((m) => m.userId !== member.userId));
    setRemoving(undefined);
    onChanged();
  });

  return (
    <Stack gap={5}>
      {change.error ? (
        <ErrorNotice title="The role was not changed" message={change.error} onClose={change.clearError} />
      ) : null}
      <ResourceTable
        title="Members"
        description="Roles set in this team. Administrators of the instance and people with an IAM role on it have access too."
        rows={team.userRoles}
        rowKey={(member) => String(member.userId)}
        columns={[
          { header: 'User', render: (member) => member.userName },
          {
            header: 'Role',
            render: (member) =>
              mayManage ? (
                <Select
                  id={`role-${member.userId}`}
                  labelText={`Role of ${member.userName}`}
                  hideLabel
                  size="sm"
                  value={member.role}
                  disabled={change.busy}
                  onChange={(event) => void change.run(member, event.target.value)}
                >
                  {TEAM_ROLES.map((option) => (
                    <SelectItem key={option.id} value={option.id} text={option.label} />
                  ))}
                </Select>
              ) : (
                roleLabel(member.role)
              ),
          },
          { header: 'Instance administrator', render: (member) => (member.admin ? 'Yes' : 'No') },
          ...(mayManage
            ? [
                {
                  header: 'Remove',
                  render: (member: Member) => (
                    <Button
                      kind="ghost"
                      size="sm"
                      onClick={() => (remove.clearError(), setRemoving(member))}
                      aria-label={`Remove ${member.userName}`}
                    >
                      Remove
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
        empty={<EmptyState title="No members yet">Add people by email; they get the role you choose.</EmptyState>}
      />
      {mayManage ? (
        <Tile>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void add.run();
            }}
          >
            <Stack gap={5}>
              <h3 className="cds--type-productive-heading-03">Add a member</h3>
              <TextInput
                id="member-email"
                labelText="Email"
                type="email"
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
              <Select id="member-role" labelText="Role" value={role} onChange={(event) => setRole(event.target.value)}>
                {TEAM_ROLES.map((option) => (
                  <SelectItem key={option.id} value={option.id} text={option.label} />
                ))}
              </Select>
              {add.error ? (
                <InlineNotification
                  kind="error"
                  role="alert"
                  title="The member was not added"
                  subtitle={add.error}
                  lowContrast
                  hideCloseButton
                />
              ) : null}
              <div>
                <Button type="submit" disabled={add.busy}>
                  {add.busy ? 'Adding…' : 'Add member'}
                </Button>
              </div>
            </Stack>
          </form>
        </Tile>
      ) : null}
      <ConfirmModal
        open={removing !== undefined}
        heading={`Remove ${removing?.userName ?? ''} from ${team.name}?`}
        confirmLabel="Remove"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => removing && void remove.run(removing)}
        onClose={() => setRemoving(undefined)}
      >
        <p>Their access through this membership ends at once, and with it their Monitor API token for this team.</p>
      </ConfirmModal>
    </Stack>
  );
}

function DeleteTeam({ team, scope, client }: { team: TeamBody; scope: InstanceScope; client: Client }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await client.teams.delete(team.id);
    setConfirming(false);
    navigate(instancePath(scope.instance.guid, 'teams'));
  });
  return (
    <div>
      <Button kind="danger--tertiary" onClick={() => (remove.clearError(), setConfirming(true))}>
        Delete team
      </Button>
      <ConfirmModal
        open={confirming}
        heading={`Delete team "${team.name}"?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void remove.run()}
        onClose={() => setConfirming(false)}
      >
        <p>Its members lose the access it gave them, and their Monitor API tokens for it stop working.</p>
      </ConfirmModal>
    </div>
  );
}
