import type { ReactNode } from 'react';
import { DataTableSkeleton, InlineNotification } from '@carbon/react';
import type { Loaded } from '../app/use-api.js';

/** The title block of every page: breadcrumb-like context, a heading (the page's one h1) and a description. */
export function PageHeader({ context, title, children }: { context?: string; title: string; children?: ReactNode }) {
  return (
    <header className="vigil-page-header">
      {context ? <p className="cds--label">{context}</p> : null}
      <h1>{title}</h1>
      {children ? <p>{children}</p> : null}
    </header>
  );
}

/** An API error shown in place, where the thing that failed would be. */
export function ErrorNotice({ title, message, onClose }: { title: string; message: string; onClose?: () => void }) {
  return (
    <InlineNotification
      kind="error"
      role="alert"
      title={title}
      subtitle={message}
      lowContrast
      hideCloseButton={!onClose}
      {...(onClose ? { onClose: () => (onClose(), false) } : {})}
    />
  );
}

/** Loading skeleton, error notice, or the content once the data is there. */
export function LoadedView<T>({
  loaded,
  what,
  columns = 4,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  columns?: number;
  children: (data: T) => ReactNode;
}) {
  if (loaded.status === 'loading') {
    return <DataTableSkeleton aria-label={`Loading ${what}`} columnCount={columns} rowCount={3} showHeader={false} />;
  }
  if (loaded.status === 'error') return <ErrorNotice title={`Could not load ${what}`} message={loaded.message} />;
  return <>{children(loaded.data)}</>;
}

/** What a list shows when it has nothing yet, and how to add the first one. */
export function EmptyState({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <div className="vigil-empty">
      <h2 className="cds--type-productive-heading-03">{title}</h2>
      <p>{children}</p>
      {action ? <div style={{ marginTop: '1rem' }}>{action}</div> : null}
    </div>
  );
}
