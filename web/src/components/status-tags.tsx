import { Tag } from '@carbon/react';

/** Locked / disabled markers of a key or service ID, as IBM's console shows them next to the name. */
export function StateTags({ locked, disabled }: { locked?: boolean; disabled?: boolean }) {
  return (
    <>
      {locked ? (
        <Tag type="blue" size="sm">
          Locked
        </Tag>
      ) : null}
      {disabled ? (
        <Tag type="red" size="sm">
          Disabled
        </Tag>
      ) : null}
      {!locked && !disabled ? (
        <Tag type="green" size="sm">
          Active
        </Tag>
      ) : null}
    </>
  );
}
