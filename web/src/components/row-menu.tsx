import { OverflowMenu, OverflowMenuItem } from '@carbon/react';

export interface RowAction {
  readonly text: string;
  readonly onClick: () => void;
  /** A destructive action (shown in red, last). */
  readonly danger?: boolean;
  readonly disabled?: boolean;
}

/** The "⋮" menu at the end of a table row, named after the row ("Actions for deploy-script"). */
export function RowMenu({ name, actions }: { name: string; actions: readonly RowAction[] }) {
  return (
    <OverflowMenu aria-label={`Actions for ${name}`} iconDescription={`Actions for ${name}`} flipped size="md">
      {actions.map((action) => (
        <OverflowMenuItem
          key={action.text}
          itemText={action.text}
          onClick={action.onClick}
          {...(action.danger ? { isDelete: true } : {})}
          {...(action.disabled ? { disabled: true } : {})}
        />
      ))}
    </OverflowMenu>
  );
}
