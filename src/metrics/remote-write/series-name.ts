import type { WireLabel } from './wire-types.js';

const SHOWN_LABELS = 16;
const SHOWN_CHARACTERS = 64;
const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A series as validation messages name it, `{__name__="up",job="node"}`: names bare when they are valid and quoted
 * otherwise, values quoted with JSON escapes. Names and values longer than 64 characters and labels past the 16th are
 * cut (`…`), so that a hostile series cannot make the 400 body huge.
 */
export function seriesName(labels: readonly WireLabel[]): string {
  const shown = labels.slice(0, SHOWN_LABELS).map(({ name, value }) => {
    const cutName = cut(name);
    return `${LEGACY_NAME.test(cutName) ? cutName : JSON.stringify(cutName)}=${JSON.stringify(cut(value))}`;
  });
  if (labels.length > SHOWN_LABELS) shown.push('…');
  return `{${shown.join(',')}}`;
}

function cut(text: string): string {
  return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text;
}
