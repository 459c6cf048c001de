import { FormModal } from './form-modal.js';
import { useState } from 'react';
import { Button, InlineNotification, Modal, Stack, TextArea, TextInput } from '@carbon/react';
import type { ApiKeyBody } from '../../../src/client/api-keys.js';
import { useAction } from '../app/use-api.js';
import { copyText, downloadFile } from './copy.js';

/** The file `vigil login --apikey @FILE` and IBM's CLI read: tab-indented `{name, description, apikey, createdAt}`. */
function apiKeyFile(key: ApiKeyBody): string {
  const content = { name: key.name, description: key.description ?? '', apikey: key.apikey, createdAt: key.created_at };
  return `${JSON.stringify(content, null, '\t')}\n`;
}

/**
 * Creates an API key (the user's own, or a service ID's) and shows its value once: Copy and Download, with the
 * warning that it cannot be shown again. Closing the dialog forgets the value.
 */
export function ApiKeyCreateModal({
  open,
  heading,
  create,
  onClose,
}: {
  open: boolean;
  heading: string;
  create: (name: string, description: string) => Promise<ApiKeyBody>;
  onClose: (created: boolean) => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<ApiKeyBody>();
  const [copied, setCopied] = useState(false);

  const close = () => {
    const wasCreated = created !== undefined;
    setName('');
    setDescription('');
    setError(undefined);
    creation.clearError();
    setCreated(undefined);
    setCopied(false);
    onClose(wasCreated);
  };

  const creation = useAction(async (keyName: string, keyDescription: string) => {
    setCreated(await create(keyName, keyDescription));
  });

  const submit = async () => {
    if (name.trim() === '') {
      setError('Enter a name for the key.');
      return;
    }
    setError(undefined);
    await creation.run(name.trim(), description.trim());
  };

  if (created?.apikey) {
    const value = created.apikey;
    return (
      <Modal
        open={open}
        passiveModal
        modalHeading="API key successfully created"
        onRequestClose={close}
        size="md"
        aria-label="API key successfully created"
      >
        <Stack gap={5}>
          <InlineNotification
            kind="warning"
            lowContrast
            hideCloseButton
            title="Save your API key."
            subtitle="It can't be shown again after you close this window. Copy it or download it now."
          />
          <TextInput
            id="created-api-key"
            labelText={`API key "${created.name}"`}
            value={value}
            readOnly
            className="vigil-secret"
          />
          <div className="vigil-toolbar-actions">
            <Button
              kind="primary"
              onClick={() => {
                void copyText(value).then(
                  () => setCopied(true),
                  (failure: Error) => setError(failure.message),
                );
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
            <Button kind="secondary" onClick={() => downloadFile('apikey.json', apiKeyFile(created))}>
              Download
            </Button>
            <Button kind="ghost" onClick={close}>
              Done
            </Button>
          </div>
          <p role="status" aria-live="polite" className="cds--helper-text">
            {copied ? 'Copied to the clipboard.' : ''}
          </p>
          {error ? (
            <InlineNotification
              kind="error"
              role="alert"
              title="Copy failed"
              subtitle={error}
              lowContrast
              hideCloseButton
            />
          ) : null}
        </Stack>
      </Modal>
    );
  }

  return (
    <FormModal
      open={open}
      heading={heading}
      submitLabel="Create"
      busyLabel="Creating…"
      busy={creation.busy}
      error={error ?? creation.error}
      errorTitle="Could not create the key"
      onSubmit={() => void submit()}
      onClose={close}
    >
      <TextInput
        id="new-api-key-name"
        labelText="Name"
        value={name}
        maxLength={300}
        onChange={(event) => setName(event.target.value)}
        data-modal-primary-focus
      />
      <TextArea
        id="new-api-key-description"
        labelText="Description (optional)"
        value={description}
        maxLength={2000}
        rows={3}
        onChange={(event) => setDescription(event.target.value)}
      />
    </FormModal>
  );
}
