import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

/**
 * The process logger: JSON lines, with every place a secret could appear redacted, so that no log line ever holds a
 * credential even if a future log call passes a whole request or body.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'vigil' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["iam-apikey"]',
        '*.password',
        '*.apikey',
        '*.refresh_token',
        '*.access_token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
