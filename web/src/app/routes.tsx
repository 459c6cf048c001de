import { IAM_ROUTES } from '../pages/iam/routes.js';
import { MONITORING_ROUTES } from '../pages/monitoring/routes.js';
import type { Route } from './route.js';

/** Every page of the console, by path. */
export const ROUTES: readonly Route[] = [...IAM_ROUTES, ...MONITORING_ROUTES];
