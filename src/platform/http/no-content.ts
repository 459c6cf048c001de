import { Type } from 'typebox';

/** The response schema of a 204: no body. One for every route that answers with nothing. */
export const NoContentSchema = Type.Null({ description: 'Done; no body.' });
