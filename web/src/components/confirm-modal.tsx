import type { ReactNode } from 'react';
import { InlineNotification, Modal } from '@carbon/react';

/**
 * Asks before anything that cannot be undone (delete, reset): says what happens, runs the action, and shows the
 * API's error in the dialog when it fails (the dialog stays open).
 */
export function ConfirmModal({
  open,
  heading,
  confirmLabel,
  danger = true,
  busy,
  error,
  onConfirm,
  onClose,
  children,
}: {
  open: boolean;
  heading: string;
  confirmLabel: string;
  danger?: boolean;
  busy: boolean;
  error: string | undefined;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal
      open={open}
      danger={danger}
      modalHeading={heading}
      primaryButtonText={busy ? 'Working…' : confirmLabel}
      secondaryButtonText="Cancel"
      primaryButtonDisabled={busy}
      onRequestSubmit={onConfirm}
      onRequestClose={onClose}
      size="sm"
    >
      <div className="vigil-stack">
        {children}
        {error ? (
          <InlineNotification
            kind="error"
            role="alert"
            title="It did not work"
            subtitle={error}
            lowContrast
            hideCloseButton
          />
        ) : null}
      </div>
    </Modal>
  );
}
