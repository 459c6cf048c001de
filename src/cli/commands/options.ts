import type { Args, OptionSpec } from '../command.js';
import { UsageError } from '../errors.js';

/** Options several commands share, written once. */

export const FORCE: OptionSpec = { type: 'boolean', short: 'f', description: 'Do not ask for confirmation.' };

/** `-n NAME` and `-d DESCRIPTION` of the `…-update` commands. */
export const RENAME_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  n: { type: 'string', value: 'NAME', description: 'The new name.' },
  d: { type: 'string', value: 'DESCRIPTION', description: 'The new description.' },
};

/** The changes `-n`/`-d` ask for; a usage error when there are none. */
export function renameChanges(args: Args): { name?: string; description?: string } {
  const name = args.string('n');
  const description = args.string('d');
  if (name === undefined && description === undefined) {
    throw new UsageError('nothing to change', 'give -n NAME and/or -d DESCRIPTION');
  }
  return { ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}) };
}
