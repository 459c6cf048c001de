import { useEffect, type ReactNode } from 'react';
import { Dropdown, SkeletonText } from '@carbon/react';
import type { InstanceBody } from '../../../../src/client/instances.js';
import type { MonitorUserDetailBody } from '../../../../src/client/monitor-users.js';
import type { VigilClient } from '../../../../src/client/vigil-client.js';
import { navigate, useLocation } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/use-api.js';
import { EmptyState, ErrorNotice, PageHeader } from '../../components/page.js';

type TeamRole = MonitorUserDetailBody['teamRoles'][number];

/** What every page inside an instance knows: the instance, the user there, the team acted in and a client for it. */
export interface InstanceScope {
  readonly instance: InstanceBody;
  readonly me: MonitorUserDetailBody;
  readonly team: TeamRole;
  /** Calls `/api/…` as the signed-in user in this instance and team (IBMInstanceID, SysdigTeamID). */
  readonly client: VigilClient;
  /** An instance administrator (ROLE_CUSTOMER): manages teams, users and every token. */
  readonly isAdmin: boolean;
  /** May reset tokens in this team: an instance administrator or the team's manager. */
  readonly mayResetTokens: boolean;
}

const SECTIONS = [
  { key: 'monitor-api', label: 'Settings › Monitor API', path: 'settings/monitor-api' },
  { key: 'teams', label: 'Teams', path: 'teams' },
] as const;

export type Section = (typeof SECTIONS)[number]['key'];

/** Where the team last chosen in an instance is remembered, so that opening the instance again acts in it. */
function teamKey(guid: string): string {
  return `vigil.monitoring.team.${guid}`;
}

function rememberedTeam(guid: string): string | null {
  try {
    return window.localStorage.getItem(teamKey(guid));
  } catch {
    return null; // storage switched off: the address and the user's current team still choose
  }
}

function rememberTeam(guid: string, teamId: number): void {
  try {
    window.localStorage.setItem(teamKey(guid), String(teamId));
  } catch {
    // storage switched off: nothing to remember with
  }
}

export function instancePath(guid: string, path: string, teamId?: number): string {
  const base = `/monitoring/instances/${encodeURIComponent(guid)}/${path}`;
  return teamId === undefined ? base : `${base}?team=${teamId}`;
}

/**
 * The frame of the pages inside a monitoring instance: its name, the team switcher (the team is in the address,
 * `?team=`, so that a link or a reload keeps it, and remembered per instance in localStorage for the next visit) and
 * the instance's sections.
 */
export function InstanceFrame({
  guid,
  section,
  title,
  children,
}: {
  guid: string;
  section: Section;
  title: string;
  children: (scope: InstanceScope) => ReactNode;
}) {
  const session = useSession();
  const { path, query } = useLocation();
  const [loaded] = useLoad(async () => {
    const [instance, me] = await Promise.all([
      session.client.instances.get(guid),
      session.monitorClient(guid).monitorUsers.me(),
    ]);
    return { instance, me };
  }, [guid]);
  const loadedTeams = loaded.status === 'ready' ? loaded.data.me.teamRoles : undefined;
  const asked = query.get('team') ?? rememberedTeam(guid);
  const chosen = loadedTeams?.find((role) => String(role.teamId) === asked)?.teamId;
  useEffect(() => {
    if (chosen !== undefined) rememberTeam(guid, chosen);
  }, [guid, chosen]);

  if (loaded.status === 'loading') {
    return (
      <>
        <PageHeader context="Monitoring" title={title} />
        <SkeletonText paragraph lineCount={3} />
      </>
    );
  }
  if (loaded.status === 'error') {
    return (
      <>
        <PageHeader context="Monitoring" title={title} />
        <ErrorNotice title="Could not open the instance" message={loaded.message} />
      </>
    );
  }
  const { instance, me } = loaded.data;
  // The team in the address, else the one last chosen here, else the user's current team, else their first.
  const team = me.teamRoles.find((role) => role.teamId === (chosen ?? me.currentTeam)) ?? me.teamRoles[0];
  const isAdmin = me.roles.includes('ROLE_CUSTOMER');

  return (
    <>
      <PageHeader context={`Monitoring › ${instance.name}`} title={title} />
      <div className="vigil-instance-bar">
        {team ? (
          <Dropdown
            id="team-switcher"
            titleText="Team"
            label="Choose a team"
            size="md"
            items={me.teamRoles}
            selectedItem={team}
            itemToString={(role: TeamRole | null) => (role ? role.teamName : '')}
            onChange={({ selectedItem }: { selectedItem: TeamRole | null }) => {
              if (!selectedItem) return;
              rememberTeam(guid, selectedItem.teamId);
              navigate(`${path}?team=${selectedItem.teamId}`);
            }}
          />
        ) : null}
        <nav aria-label={`Sections of ${instance.name}`} className="vigil-section-nav">
          {SECTIONS.map((item) => {
            const to = instancePath(guid, item.path, team?.teamId);
            const current = item.key === section;
            return (
              <a
                key={item.key}
                href={to}
                className={current ? 'vigil-section-link vigil-section-link--current' : 'vigil-section-link'}
                {...(current ? { 'aria-current': 'page' as const } : {})}
                onClick={(event) => {
                  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
                  event.preventDefault();
                  navigate(to);
                }}
              >
                {item.label}
              </a>
            );
          })}
        </nav>
      </div>
      {team ? (
        children({
          instance,
          me,
          team,
          client: session.monitorClient(guid, team.teamId),
          isAdmin,
          mayResetTokens: isAdmin || team.role === 'ROLE_TEAM_MANAGER',
        })
      ) : (
        <EmptyState title="You are in no team of this instance">
          An administrator of the instance can add you to a team, or give you a role on it in Access policies.
        </EmptyState>
      )}
    </>
  );
}
