import type { Route } from '../../app/route.js';
import { InstancesPage } from './instances.js';
import { MonitorApiPage } from './monitor-api.js';
import { TeamDetailsPage } from './team-details.js';
import { TeamsPage } from './teams.js';

/** Monitoring: instances, and inside one its settings and teams. */
export const MONITORING_ROUTES: readonly Route[] = [
  { path: '/monitoring/instances', title: 'Monitoring instances', render: () => <InstancesPage /> },
  {
    path: '/monitoring/instances/:guid',
    title: 'Monitor API',
    render: ({ guid = '' }) => <MonitorApiPage guid={guid} />,
  },
  {
    path: '/monitoring/instances/:guid/settings/monitor-api',
    title: 'Monitor API',
    render: ({ guid = '' }) => <MonitorApiPage guid={guid} />,
  },
  { path: '/monitoring/instances/:guid/teams', title: 'Teams', render: ({ guid = '' }) => <TeamsPage guid={guid} /> },
  {
    path: '/monitoring/instances/:guid/teams/:team',
    title: 'Team',
    render: ({ guid = '', team = '' }) => <TeamDetailsPage guid={guid} teamId={Number(team)} />,
  },
];
