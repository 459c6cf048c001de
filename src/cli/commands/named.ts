import { CliError } from '../errors.js';

/**
 * The one object a name stands for among `matches`: none is "'name' was not found" with how to list them, several is
 * "More than one … is named" with how to name one exactly.
 */
export function onlyMatch<T>(
  matches: readonly T[],
  what: { readonly kind: string; readonly name: string; readonly notFoundHint: string; readonly ambiguousHint: string },
): T {
  if (matches.length > 1) throw new CliError(`More than one ${what.kind} is named '${what.name}'`, what.ambiguousHint);
  const [only] = matches;
  if (only === undefined)
    throw new CliError(`${capitalised(what.kind)} '${what.name}' was not found`, what.notFoundHint);
  return only;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
