import type { ReactNode } from 'react';
import { InlineNotification, Modal, Stack } from '@carbon/react';

/**
 * A dialog with a form: its fields, a primary button that says what happens (and that it is happening), Cancel, and
 * the problem (a check of the form, or the API's message) shown inside the dialog, which stays open.
 */
export function FormModal({
  open,
  heading,
  submitLabel,
  busyLabel,
  busy,
  error,
  errorTitle,
  onSubmit,
  onClose,
  size = 'sm',
  children,
}: {
  open: boolean;
  heading: string;
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  error: string | undefined;
  errorTitle: string;
  onSubmit: () => void;
  onClose: () => void;
  size?: 'sm' | 'md';
  children: ReactNode;
}) {
  return (
    <Modal
      open={open}
      modalHeading={heading}
      primaryButtonText={busy ? busyLabel : submitLabel}
      secondaryButtonText="Cancel"
      primaryButtonDisabled={busy}
      onRequestSubmit={onSubmit}
      onRequestClose={onClose}
      size={size}
    >
      <Stack gap={5}>
        {children}
        {error ? (
          <InlineNotification
            kind="error"
            role="alert"
            title={errorTitle}
            subtitle={error}
            lowContrast
            hideCloseButton
          />
        ) : null}
      </Stack>
    </Modal>
  );
}
