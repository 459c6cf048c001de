import type { ReactNode } from 'react';
import { IAM_ROUTES } from '../pages/iam/routes.js';
import { MONITORING_ROUTES } from '../pages/monitoring/routes.js';

export interface Route {
  /** `/iam/serviceids/:id`: `:name` parts are parameters. */
  readonly path: string;
  /** The document title (the page's own heading says more). */
  readonly title: string;
  readonly render: (params: Record<string, string>) => ReactNode;
}

/** Every page of the console, by path. */
export const ROUTES: readonly Route[] = [...IAM_ROUTES, ...MONITORING_ROUTES];
