import { FormModal } from '../../components/form-modal.js';
import { useState } from 'react';
import { Button, Tag, TextArea, TextInput } from '@carbon/react';
import { Add } from '@carbon/icons-react';
import type { TeamBody } from '../../../../src/client/teams.js';
import { Link, navigate } from '../../app/router.js';
import { useAction, useLoad } from '../../app/use-api.js';
import { EmptyState, LoadedView } from '../../components/page.js';
import { ResourceTable, type Column } from '../../components/resource-table.js';
import { InstanceFrame, instancePath, type InstanceScope } from './instance-frame.js';
import { scopeProblem } from './team-scope.js';

/** Teams of an instance: administrators create them; everyone sees the teams they may see. */
export function TeamsPage({ guid }: { guid: string }) {
  return (
    <InstanceFrame guid={guid} section="teams" title="Teams">
      {(scope) => <TeamList scope={scope} />}
    </InstanceFrame>
  );
}

function TeamList({ scope }: { scope: InstanceScope }) {
  const { client, instance, isAdmin, team: current } = scope;
  const [loaded, reload] = useLoad(() => client.teams.list(), [client]);
  const [creating, setCreating] = useState(false);

  const columns: Column<TeamBody>[] = [
    {
      header: 'Name',
      render: (team) => (
        <>
          <Link to={instancePath(instance.guid, `teams/${team.id}`, current.teamId)}>{team.name}</Link>{' '}
          {team.default ? (
            <Tag size="sm" type="cool-gray">
              Default
            </Tag>
          ) : null}
        </>
      ),
    },
    { header: 'Description', render: (team) => team.description || '—' },
    { header: 'Scope', render: (team) => (team.filter ? <code>{team.filter}</code> : 'Everything') },
    { header: 'Members', render: (team) => String(team.userRoles.length) },
  ];
  const createButton = isAdmin ? (
    <Button renderIcon={Add} onClick={() => setCreating(true)}>
      Create team
    </Button>
  ) : null;

  return (
    <>
      <LoadedView loaded={loaded} what="teams">
        {(teams) => (
          <ResourceTable
            title="Teams"
            description="A team's scope limits the data its members see; members have a role in the team."
            rows={teams}
            rowKey={(team) => String(team.id)}
            columns={columns}
            toolbar={createButton}
            empty={<EmptyState title="No teams">There is no team you may see in this instance.</EmptyState>}
          />
        )}
      </LoadedView>
      {isAdmin ? (
        <CreateTeamModal
          open={creating}
          scope={scope}
          onClose={(created) => {
            setCreating(false);
            if (created) {
              reload();
              navigate(instancePath(instance.guid, `teams/${created.id}`, current.teamId));
            }
          }}
        />
      ) : null}
    </>
  );
}

function CreateTeamModal({
  open,
  scope,
  onClose,
}: {
  open: boolean;
  scope: InstanceScope;
  onClose: (created?: TeamBody) => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [filter, setFilter] = useState('');
  const [problem, setProblem] = useState<string>();
  const create = useAction(async () => {
    const team = await scope.client.teams.create({
      name: name.trim(),
      description: description.trim() || null,
      filter: filter.trim() || null,
    });
    setName('');
    setDescription('');
    setFilter('');
    onClose(team);
  });

  const submit = () => {
    const found = name.trim() === '' ? 'Enter a name for the team.' : scopeProblem(filter);
    setProblem(found);
    if (!found) void create.run();
  };

  return (
    <FormModal
      open={open}
      heading="Create a team"
      submitLabel="Create"
      busyLabel="Creating…"
      busy={create.busy}
      error={problem || create.error}
      errorTitle={'Could not create the team'}
      onSubmit={submit}
      onClose={() => (setProblem(undefined), create.clearError(), onClose())}
      size="md"
    >
      <TextInput
        id="new-team-name"
        labelText="Name"
        value={name}
        maxLength={256}
        onChange={(event) => setName(event.target.value)}
      />
      <TextInput
        id="new-team-description"
        labelText="Description (optional)"
        value={description}
        maxLength={1024}
        onChange={(event) => setDescription(event.target.value)}
      />
      <TextArea
        id="new-team-scope"
        labelText="Scope (optional)"
        helperText='Conditions joined by "and", e.g. kubernetes.namespace.name = "payments". Empty: everything.'
        value={filter}
        rows={3}
        onChange={(event) => setFilter(event.target.value)}
      />
    </FormModal>
  );
}
