import { isoAt, type Clock } from '../../platform/clock.js';
import type { KeyActivityRepository } from './key-activity.repository.js';

interface Pending {
  count: number;
  lastAuthn: number;
  /** When this key's activity was last written (0: never, by this process). */
  writtenAt: number;
}

const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

/**
 * Counts API-key authentications in memory and writes them at most once a minute per key, so that a busy key does not
 * turn every token request into a database write (DESIGN.md: last use is written coarsely). A key's first use after a
 * quiet minute is written at once; later uses wait for the minute to pass, for the next use after it, or for the
 * periodic sweep. Nothing counted is dropped: a failed write puts its counts back, and `close()` writes what is left.
 */
export class KeyActivity {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly repository: KeyActivityRepository,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Counts one authentication with the key; writes now if the key was not written in the last minute. */
  async record(apikeyId: string): Promise<void> {
    const now = this.clock.now();
    let entry = this.pending.get(apikeyId);
    if (!entry) {
      entry = { count: 0, lastAuthn: now, writtenAt: 0 };
      this.pending.set(apikeyId, entry);
    }
    entry.count += 1;
    entry.lastAuthn = Math.max(entry.lastAuthn, now);
    if (now - entry.writtenAt >= ACTIVITY_WRITE_INTERVAL_MS) await this.write(apikeyId, entry, now);
    else this.startSweeping();
  }

  /** Writes every key whose minute has passed (`all`: every pending key), and forgets idle keys. */
  async flush(all = false): Promise<void> {
    const now = this.clock.now();
    for (const [apikeyId, entry] of [...this.pending]) {
      if (entry.count > 0 && (all || now - entry.writtenAt >= ACTIVITY_WRITE_INTERVAL_MS)) {
        await this.write(apikeyId, entry, now);
      } else if (entry.count === 0 && now - entry.writtenAt >= ACTIVITY_WRITE_INTERVAL_MS) {
        this.pending.delete(apikeyId);
      }
    }
  }

  /** Writes what is pending and stops the sweep (app shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  private async write(apikeyId: string, entry: Pending, now: number): Promise<void> {
    const { count, lastAuthn } = entry;
    entry.count = 0;
    entry.writtenAt = now;
    try {
      await this.repository.add(apikeyId, count, isoAt(lastAuthn));
    } catch (error) {
      entry.count += count;
      this.onError(error);
    }
  }

  private startSweeping(): void {
    if (this.timer || this.closed) return;
    // Real time drives the sweep; the injected clock decides what is due. unref: it never keeps the process alive.
    this.timer = setInterval(() => void this.flush().catch(this.onError), ACTIVITY_WRITE_INTERVAL_MS / 2);
    this.timer.unref();
  }
}
