import { EventEmitter } from 'node:events';
import type pg from 'pg';

/** What changed: a topic (`apikey`, `user`, `policy`, …) and the affected key. */
export interface Change {
  readonly topic: string;
  readonly key: string;
}

/**
 * Tells every vigil process that something cached must be dropped (a key deleted, a policy removed, a token reset).
 * On SQLite there is one process, so an in-process emitter is enough; on PostgreSQL, LISTEN/NOTIFY reaches every
 * process on the same database, including the publisher.
 */
export interface ChangeFeed {
  publish(change: Change): Promise<void>;
  subscribe(listener: (change: Change) => void): () => void;
  close(): Promise<void>;
}

export class LocalChangeFeed implements ChangeFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  async publish(change: Change): Promise<void> {
    this.emitter.emit('change', change);
  }
  subscribe(listener: (change: Change) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = 'vigil_changes';

/** LISTEN/NOTIFY on one dedicated connection, reconnecting when it drops. */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly local = new LocalChangeFeed();
  private client: pg.PoolClient | undefined;
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  static async start(pool: pg.Pool): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(pool);
    await feed.connect();
    return feed;
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || message.payload === undefined) return;
      const separator = message.payload.indexOf(':');
      if (separator < 0) return;
      void this.local.publish({
        topic: message.payload.slice(0, separator),
        key: message.payload.slice(separator + 1),
      });
    });
    client.on('error', () => {
      client.release(true);
      this.client = undefined;
      if (!this.closed) setTimeout(() => void this.connect().catch(() => undefined), 500).unref();
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  async publish(change: Change): Promise<void> {
    // Drop this process's copies at once rather than after the notification's round trip; the echo is harmless.
    await this.local.publish(change);
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, `${change.topic}:${change.key}`]);
  }

  subscribe(listener: (change: Change) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      client.release();
    }
    await this.local.close();
  }
}
