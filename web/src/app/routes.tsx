import type { ReactNode } from 'react';
import { ApiKeysPage } from '../pages/iam/api-keys.js';

export interface Route {
  readonly path: string;
  /** The document title (the page's own heading says more). */
  readonly title: string;
  readonly render: (params: Record<string, string>) => ReactNode;
}

/** Every page of the console, by path. */
export const ROUTES: readonly Route[] = [{ path: '/iam/apikeys', title: 'API keys', render: () => <ApiKeysPage /> }];
