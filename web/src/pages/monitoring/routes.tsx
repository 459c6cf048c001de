import type { Route } from '../../app/routes.js';

/** Monitoring: instances, and inside one its settings and teams. */
export const MONITORING_ROUTES: readonly Route[] = [];
