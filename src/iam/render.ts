import os from 'node:os';
import type { ErrorRenderer } from '../platform/http/surfaces.js';

/** IBM IAM's v1 error body: `{trace, errors:[{code, message_code, message, details?}], status_code}`. */
export const renderIamError: ErrorRenderer = (error, request) => ({
  trace: request.id,
  errors: [
    {
      code: error.code,
      ...(error.extra.messageCode ? { message_code: error.extra.messageCode } : {}),
      message: error.message,
      ...(error.extra.details ? { details: error.extra.details } : {}),
    },
  ],
  status_code: error.status,
});

/** IBM's token endpoint error body: `{errorCode, errorMessage, errorDetails?, context}`. */
export function tokenErrorRenderer(publicUrl: string): ErrorRenderer {
  return (error, request, reply) => {
    const end = Date.now();
    const elapsed = Math.round(reply.elapsedTime);
    const userAgent = request.headers['user-agent'];
    return {
      errorCode: error.extra.messageCode ?? 'BXNIM0000E',
      errorMessage: error.message,
      ...(error.extra.details ? { errorDetails: error.extra.details } : {}),
      context: {
        requestId: request.id,
        requestType: 'incoming.Identity_Token',
        userAgent: typeof userAgent === 'string' ? userAgent : '',
        url: publicUrl,
        instanceId: os.hostname(),
        threadId: String(process.pid),
        host: os.hostname(),
        startTime: ibmTime(end - elapsed),
        endTime: ibmTime(end),
        elapsedTime: String(elapsed),
        locale: 'en_US',
        clusterName: 'vigil',
      },
    };
  };
}

/** `10.06.2026 10:25:03:017 UTC`, the token endpoint's timestamp format. */
function ibmTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}:${p(d.getUTCMilliseconds(), 3)} UTC`
  );
}
