import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Labels } from '../promql/engine/core/labels.js';
import type { Querier, QuerierOptions, Storage, TimeRange } from '../promql/engine/storage.js';
import { Appender } from './appender.js';
import { Block } from './block/block.js';
import { beyondRetention, compactBlocks, compactionRanges, planCompaction } from './block/compact.js';
import { blockDirs, cleanLeftovers, deleteBlock } from './block/block-dirs.js';
import { ulid } from './block/ulid.js';
import { writeBlock } from './block/writer.js';
import { BLOCK_RANGE } from './head/chunk-range.js';
import type { HeadSeries } from './head/head-series.js';
import { Head } from './head/head.js';
import { acquireLock } from './lock.js';
import { TsdbQuerier } from './querier/tsdb-querier.js';
import { headBlockSeries } from './head/head-block.js';
import { checkpointKeeper } from './head/checkpoint-keeper.js';
import { replayWal } from './head/wal-replay.js';
import type { MetadataEntry } from './wal/records.js';
import { Wal } from './wal/wal.js';

interface TsdbLog {
  (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

export interface TsdbOptions {
  /** The store's directory (`<data dir>/metrics`): lock, wal/, blocks. */
  readonly dir: string;
  /** How long blocks are kept, in ms, measured from the newest data (Prometheus's time retention). */
  readonly retention: number;
  /** The label that partitions series (the tenant), counted per value for limits. */
  readonly partitionLabel: string;
  readonly log: TsdbLog;
  readonly now: () => number;
  readonly random: (bytes: number) => Uint8Array;
  readonly walSegmentSize?: number;
  /** How often compaction and retention run, in ms (default one minute); 0 runs them only when asked. */
  readonly maintenanceInterval?: number;
}

/** Figures for the store's own metrics. */
export interface TsdbStats {
  readonly headSeries: number;
  readonly headMinTime: number;
  readonly headMaxTime: number;
  readonly walBytes: number;
  readonly blocks: number;
  readonly blockBytes: number;
  readonly samplesAppended: number;
  readonly compactions: number;
  readonly compactionFailures: number;
  readonly walRepairs: number;
}

/**
 * vigil's embedded time-series store, laid out like Prometheus's TSDB (docs/TSDB.md): a write-ahead log replayed at
 * start, an in-memory head of compressed chunks with an inverted index, immutable blocks cut from the head every two
 * hours and compacted into larger ones in the background, time retention, and one lock per directory. It knows
 * nothing of HTTP or tenants beyond a partition label.
 */
export class Tsdb implements Storage {
  private blocks: Block[] = [];
  private readonly metadata = new Map<string, Map<string, MetadataEntry>>();
  private timer: NodeJS.Timeout | null = null;
  private maintaining: Promise<void> | null = null;
  private closed = false;
  private samplesAppended = 0;
  private compactions = 0;
  private compactionFailures = 0;
  /** Bumped whenever the block list changes; each open querier remembers the generation it opened in. */
  private generation = 0;
  private readonly openQueriers = new Map<number, number>();
  private nextQuerierId = 1;

  private constructor(
    private readonly options: TsdbOptions,
    readonly head: Head,
    private readonly wal: Wal,
    private readonly releaseLock: () => void,
    private readonly walRepairs: number,
  ) {}

  /** Opens the store: takes the lock, loads blocks, replays the WAL (repairing a torn tail), starts maintenance. */
  static open(options: TsdbOptions): Tsdb {
    fs.mkdirSync(options.dir, { recursive: true });
    const release = acquireLock(options.dir);
    try {
      cleanLeftovers(options.dir);
      const blocks = openBlocks(options.dir);
      const head = new Head(options.partitionLabel);
      head.minValidTime = blocks.reduce((max, b) => Math.max(max, b.meta.maxTime), -Infinity);
      let repairs = 0;
      const wal = Wal.open(path.join(options.dir, 'wal'), {
        ...(options.walSegmentSize ? { segmentSize: options.walSegmentSize } : {}),
        log: (message, fields) => {
          repairs++;
          options.log('warn', message, fields);
        },
      });
      const db = new Tsdb(options, head, wal, release, repairs);
      db.blocks = blocks;
      const started = Date.now();
      const replayed = replayWal(wal, head, (entry) => db.setMetadata(entry));
      options.log('info', 'metrics store opened', {
        dir: options.dir,
        blocks: blocks.length,
        series: head.seriesCount,
        replayedSamples: replayed.samples,
        replayMs: Date.now() - started,
      });
      const interval = options.maintenanceInterval ?? 60_000;
      if (interval > 0) {
        db.timer = setInterval(() => void db.maintain(), interval);
        db.timer.unref();
      }
      return db;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The series with these labels (created in the head when new). */
  series(labels: Labels): HeadSeries {
    return this.head.getOrCreate(labels).series;
  }

  /** A batch of writes, checked as they are added and logged at commit. */
  appender(): Appender {
    this.checkOpen();
    return new Appender(this.head, this.wal, (samples) => {
      this.samplesAppended += samples;
      if (this.maintaining === null && this.head.maxT - this.head.minT > 1.5 * BLOCK_RANGE) void this.maintain();
    });
  }

  /** Remembers a metric family's metadata (also what the WAL replays). */
  setMetadata(entry: MetadataEntry): void {
    let families = this.metadata.get(entry.tenant);
    if (families === undefined) this.metadata.set(entry.tenant, (families = new Map()));
    families.set(entry.family, entry);
  }

  /** The metric families' metadata of one partition. */
  metadataOf(partition: string): ReadonlyMap<string, MetadataEntry> {
    return this.metadata.get(partition) ?? new Map();
  }

  async querier(range: TimeRange, options: QuerierOptions = {}): Promise<Querier> {
    this.checkOpen();
    const id = this.nextQuerierId++;
    this.openQueriers.set(id, this.generation);
    const blocks = this.blocks.filter((b) => b.meta.maxTime > range.start && b.meta.minTime <= range.end);
    return new TsdbQuerier(this.head, this.head.snapshot(), blocks, range, options, () => {
      this.openQueriers.delete(id);
    });
  }

  stats(): TsdbStats {
    return {
      headSeries: this.head.seriesCount,
      headMinTime: this.head.minT,
      headMaxTime: this.head.maxT,
      walBytes: this.wal.size(),
      blocks: this.blocks.length,
      blockBytes: this.blocks.reduce((sum, b) => sum + b.sizeOnDisk(), 0),
      samplesAppended: this.samplesAppended,
      compactions: this.compactions,
      compactionFailures: this.compactionFailures,
      walRepairs: this.walRepairs,
    };
  }

  /** Runs head compaction, block compaction and retention once (the timer calls it; tests and benchmarks too). */
  maintain(options: { flushHead?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.resolve();
    const previous = this.maintaining ?? Promise.resolve();
    const run = previous.then(() => this.runMaintenance(options.flushHead === true));
    this.maintaining = run.finally(() => {
      if (this.maintaining === run) this.maintaining = null;
    });
    return run;
  }

  /** Stops maintenance, syncs and closes the WAL and releases the lock (a clean shutdown: nothing to repair). */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    await (this.maintaining ?? Promise.resolve());
    this.closed = true;
    this.wal.close();
    for (const block of this.blocks) block.close();
    this.releaseLock();
  }

  private async runMaintenance(flushHead: boolean): Promise<void> {
    if (this.closed) return;
    try {
      await this.compactHead(flushHead);
      await this.compactBlocks();
      await this.applyRetention();
    } catch (error) {
      this.compactionFailures++;
      this.options.log('error', 'metrics store compaction failed', { error: String(error) });
    }
  }

  /**
   * Cuts 2 h blocks from the head while it spans more than 1.5 blocks; flushing (tests, benchmarks) cuts all of it,
   * the last block ending at the newest sample.
   */
  private async compactHead(flush: boolean): Promise<void> {
    for (;;) {
      const head = this.head;
      if (head.minT === Infinity) return;
      if (!flush && head.maxT - head.minT <= 1.5 * BLOCK_RANGE) return;
      const mint = Math.floor(head.minT / BLOCK_RANGE) * BLOCK_RANGE;
      // Flushing cuts the last block at the newest sample, so that later samples are still accepted.
      const maxt = flush ? Math.min(mint + BLOCK_RANGE, head.maxT + 1) : mint + BLOCK_RANGE;
      head.minValidTime = Math.max(head.minValidTime, maxt);
      const meta = await writeBlock(this.options.dir, {
        minTime: mint,
        maxTime: maxt,
        series: headBlockSeries(head, mint, maxt),
        level: 1,
        ulid: ulid(this.options.now(), this.options.random),
      });
      if (meta !== null) this.blocks = sortBlocks([...this.blocks, Block.open(path.join(this.options.dir, meta.ulid))]);
      await this.untilOlderQueriersClose();
      this.head.truncate(maxt);
      this.checkpointWal(maxt);
      this.compactions++;
    }
  }

  private checkpointWal(mint: number): void {
    const { first, last } = this.wal.segmentRange();
    const upTo = first + Math.floor(((last - 1 - first) * 2) / 3);
    if (last - 1 < first || upTo < first) return;
    this.wal.checkpoint(
      upTo,
      checkpointKeeper(this.head, mint, () => [...this.allMetadata()]),
    );
  }

  private *allMetadata(): Iterable<MetadataEntry> {
    for (const families of this.metadata.values()) yield* families.values();
  }

  private async compactBlocks(): Promise<void> {
    const ranges = compactionRanges(this.options.retention);
    for (;;) {
      const group = planCompaction(
        this.blocks.map((b) => ({ ...b.meta, dir: b.dir })),
        ranges,
      );
      if (group.length === 0) return;
      const parents = this.blocks.filter((b) => group.includes(b.dir));
      const meta = await compactBlocks(this.options.dir, parents, this.options.random, this.options.now());
      const merged = meta ? [Block.open(path.join(this.options.dir, meta.ulid))] : [];
      this.blocks = sortBlocks([...this.blocks.filter((b) => !parents.includes(b)), ...merged]);
      await this.untilOlderQueriersClose();
      for (const block of parents) {
        block.close();
        deleteBlock(block.dir);
      }
      this.compactions++;
    }
  }

  private async applyRetention(): Promise<void> {
    const expired = new Set(
      beyondRetention(
        this.blocks.map((b) => b.meta),
        this.options.retention,
      ).map((m) => m.ulid),
    );
    if (expired.size === 0) return;
    const dropped = this.blocks.filter((b) => expired.has(b.meta.ulid));
    this.blocks = this.blocks.filter((b) => !expired.has(b.meta.ulid));
    await this.untilOlderQueriersClose();
    for (const block of dropped) {
      block.close();
      deleteBlock(block.dir);
    }
    this.options.log('info', 'metrics store retention removed blocks', { blocks: dropped.length });
  }

  /**
   * Starts a new generation (the block list just changed) and waits until every querier opened before it has closed:
   * those may still read the head chunks or the blocks about to go. Queriers opened since see the new blocks, so they
   * need neither (queries are bounded by their timeout, so this ends).
   */
  private async untilOlderQueriersClose(): Promise<void> {
    const current = ++this.generation;
    const older = () => {
      for (const generation of this.openQueriers.values()) if (generation < current) return true;
      return false;
    };
    while (older()) await sleep(20);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the metrics store is closed');
  }
}

/**
 * The blocks in the directory. A block another block names as its parent was compacted into it and not yet deleted
 * when the process stopped: it is deleted now (as Prometheus does), so its samples are not read twice.
 */
function openBlocks(dir: string): Block[] {
  const blocks = blockDirs(dir).map((blockDir) => Block.open(blockDir));
  const merged = new Set(blocks.flatMap((b) => (b.meta.compaction.parents ?? []).map((p) => p.ulid)));
  const kept: Block[] = [];
  for (const block of blocks) {
    if (!merged.has(block.meta.ulid)) {
      kept.push(block);
      continue;
    }
    block.close();
    deleteBlock(block.dir);
  }
  return sortBlocks(kept);
}

function sortBlocks(blocks: Block[]): Block[] {
  return blocks.sort((a, b) => a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : 1));
}
