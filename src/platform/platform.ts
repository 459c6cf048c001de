import type { AuditService } from './audit/audit.service.js';
import type { ChangeFeed } from './change-feed.js';
import type { Clock } from './clock.js';
import type { Keyring } from './crypto/keyring.js';
import type { Random } from './crypto/random.js';
import type { Db } from './db/schema.js';

/**
 * The shared dependencies every domain is built on, made once by the composition root (app.ts): storage, side effects
 * (clock, randomness), secrets, the change feed between processes and the audit log. Each domain's module adds its own
 * services and repositories on top.
 */
export interface Platform {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: Random;
  readonly keyring: Keyring;
  readonly feed: ChangeFeed;
  readonly audit: AuditService;
  /** Base URL clients reach vigil at (paging links, token issuer). */
  readonly publicUrl: string;
  /** Reports a failure of background work no request waits for (a reaction to the change feed). */
  readonly reportError: (error: unknown, what: string) => void;
}
