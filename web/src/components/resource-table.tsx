import type { ReactNode } from 'react';
import {
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  TableToolbar,
  TableToolbarContent,
} from '@carbon/react';

export interface Column<T> {
  readonly header: string;
  readonly render: (row: T) => ReactNode;
}

/**
 * A list page's table: a title, a toolbar (the page's primary action), columns rendered from each row, and an
 * empty state in place of the rows when there are none.
 */
export function ResourceTable<T>({
  title,
  description,
  rows,
  rowKey,
  columns,
  toolbar,
  empty,
  actions,
}: {
  title: string;
  description?: string;
  rows: readonly T[];
  rowKey: (row: T) => string;
  columns: readonly Column<T>[];
  toolbar?: ReactNode;
  empty: ReactNode;
  /** A menu of actions on one row (an OverflowMenu). */
  actions?: (row: T) => ReactNode;
}) {
  return (
    <TableContainer title={title} description={description}>
      {toolbar ? (
        <TableToolbar aria-label={`${title} actions`}>
          <TableToolbarContent>{toolbar}</TableToolbarContent>
        </TableToolbar>
      ) : null}
      {rows.length === 0 ? (
        empty
      ) : (
        <Table aria-label={title} size="lg">
          <TableHead>
            <TableRow>
              {columns.map((column) => (
                <TableHeader key={column.header}>{column.header}</TableHeader>
              ))}
              {actions ? (
                <TableHeader>
                  <span className="cds--visually-hidden">Actions</span>
                </TableHeader>
              ) : null}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((row) => (
              <TableRow key={rowKey(row)} data-row={rowKey(row)}>
                {columns.map((column) => (
                  <TableCell key={column.header}>{column.render(row)}</TableCell>
                ))}
                {actions ? <TableCell>{actions(row)}</TableCell> : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </TableContainer>
  );
}
