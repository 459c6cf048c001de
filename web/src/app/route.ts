import type { ReactNode } from 'react';

/** A page of the console: its path, its title, and what it renders. */
export interface Route {
  /** `/iam/serviceids/:id`: `:name` parts are parameters. */
  readonly path: string;
  /** The document title (the page's own heading says more). */
  readonly title: string;
  readonly render: (params: Record<string, string>) => ReactNode;
}
