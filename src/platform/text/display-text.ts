import { Type, type TStringOptions } from 'typebox';

// Characters that change how the text around them is shown without being seen themselves: C0 and C1 controls, the
// bidirectional marks, embeddings, overrides and isolates (U+202E turns "exe.txt" into "txt.exe" on screen), line and
// paragraph separators, the zero-width space and the byte-order mark. Zero-width (non-)joiners stay: scripts need them.
const INVISIBLE = '\\u061c\\u200b\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
const UNSAFE_IN_NAME = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE}]`, 'u');
// Descriptions may span lines: tab, line feed and carriage return are allowed there.
const UNSAFE_IN_TEXT = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f${INVISIBLE}]`, 'u');

/** The JSON-schema formats of shown text, registered with the request validator (createHttpServer). */
export const DISPLAY_FORMATS = {
  'display-name': (value: string): boolean => !UNSAFE_IN_NAME.test(value),
  'display-text': (value: string): boolean => !UNSAFE_IN_TEXT.test(value),
} as const;

/** What a refusal says about each format. */
export const DISPLAY_FORMAT_RULES: Readonly<Record<string, string>> = {
  'display-name': 'must not contain control characters or invisible formatting characters (such as U+202E)',
  'display-text':
    'must not contain control characters other than tab and line breaks, or invisible formatting characters ' +
    '(such as U+202E)',
};

/**
 * A name people will see (a team, service ID, API key, user or instance name, an email): one line of text without
 * controls or bidirectional overrides, which could make the console show something other than what is stored.
 */
export function DisplayName(options: TStringOptions = {}) {
  return Type.String({ ...options, format: 'display-name' });
}

/** A description: like {@link DisplayName}, but it may have tabs and line breaks. */
export function DisplayText(options: TStringOptions = {}) {
  return Type.String({ ...options, format: 'display-text' });
}
