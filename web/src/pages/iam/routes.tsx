import type { Route } from '../../app/routes.js';
import { ApiKeysPage } from './api-keys.js';

/** Manage › Access (IAM). */
export const IAM_ROUTES: readonly Route[] = [
  { path: '/iam/apikeys', title: 'API keys', render: () => <ApiKeysPage /> },
];
