import type { Route } from '../../app/route.js';
import { AccessPoliciesPage } from './access-policies.js';
import { ApiKeysPage } from './api-keys.js';
import { ServiceIdDetailsPage } from './service-id-details.js';
import { ServiceIdsPage } from './service-ids.js';
import { UsersPage } from './users.js';

/** Manage › Access (IAM). */
export const IAM_ROUTES: readonly Route[] = [
  { path: '/iam/apikeys', title: 'API keys', render: () => <ApiKeysPage /> },
  { path: '/iam/serviceids', title: 'Service IDs', render: () => <ServiceIdsPage /> },
  {
    path: '/iam/serviceids/:id',
    title: 'Service ID',
    render: ({ id = '' }) => <ServiceIdDetailsPage key={id} id={id} />,
  },
  { path: '/iam/users', title: 'Users', render: () => <UsersPage /> },
  { path: '/iam/policies', title: 'Access policies', render: () => <AccessPoliciesPage /> },
];
