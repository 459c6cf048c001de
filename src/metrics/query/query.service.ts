import type { LabelMatcher } from '../../promql/ast.js';
import { compareLabels, labelsKey, type Labels } from '../../promql/engine/core/labels.js';
import { Engine, type EngineOptions } from '../../promql/engine/engine.js';
import type { QueryResult } from '../../promql/engine/result.js';
import type { Storage } from '../../promql/engine/storage.js';
import type { Tsdb } from '../../tsdb/tsdb.js';
import { enforceMatcherSets, enforceScope } from '../scope/enforce.js';
import { scopedStorage } from '../scope/scoped-storage.js';
import { tenantStorage } from '../store/tenant-storage.js';

export interface QuerySettings {
  readonly timeout: number;
  readonly maxSamples: number;
  readonly maxLoadedSamples: number;
  readonly lookbackDelta: number;
}

/** Who reads: the instance whose data it is and the team's scope. */
export interface Reader {
  readonly tenant: string;
  readonly scope: readonly LabelMatcher[];
}

export interface QueryOptions {
  /** The query's own `timeout` (ms); it can only shorten the configured one. */
  readonly timeout?: number;
  readonly lookbackDelta?: number;
  readonly signal?: AbortSignal;
}

/** A list answer and whether `limit` cut it (Prometheus 3 then warns). */
export interface Limited<T> {
  readonly items: readonly T[];
  readonly truncated: boolean;
}

export interface MetricMetadata {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/**
 * PromQL and the metadata lookups of Prometheus's API, on vigil's engine over the store, for one reader at a time:
 * the instance's series only (tenant label), narrowed to the team's scope twice — added to every selector of the
 * query tree (as prom-label-proxy does) and to every read the querier makes (so even a function that reads the store
 * itself cannot step out).
 */
export class QueryService {
  constructor(
    private readonly store: Tsdb,
    private readonly settings: QuerySettings,
    private readonly observe: (kind: 'instant' | 'range', seconds: number) => void,
  ) {}

  async instant(reader: Reader, query: string, time: number, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    try {
      return await this.engine(reader, options).instantQuery(query, time, options.signal);
    } finally {
      this.observe('instant', (performance.now() - started) / 1000);
    }
  }

  async range(
    reader: Reader,
    query: string,
    window: { readonly start: number; readonly end: number; readonly step: number },
    options: QueryOptions = {},
  ): Promise<QueryResult> {
    const started = performance.now();
    try {
      return await this.engine(reader, options).rangeQuery(
        query,
        window.start,
        window.end,
        window.step,
        options.signal,
      );
    } finally {
      this.observe('range', (performance.now() - started) / 1000);
    }
  }

  /** The series matching any of the selectors, in label order. */
  async series(
    reader: Reader,
    selectors: readonly (readonly LabelMatcher[])[],
    start: number,
    end: number,
    limit: number,
  ): Promise<Limited<Labels>> {
    return this.read(reader, selectors, start, end, async (querier, sets) => {
      const found = new Map<string, Labels>();
      for (const matchers of sets) {
        for (const labels of await querier.series(matchers)) found.set(labelsKey(labels), labels);
      }
      return cut([...found.values()].sort(compareLabels), limit);
    });
  }

  async labelNames(
    reader: Reader,
    selectors: readonly (readonly LabelMatcher[])[],
    start: number,
    end: number,
    limit: number,
  ): Promise<Limited<string>> {
    return this.read(reader, selectors, start, end, async (querier, sets) => {
      const names = new Set<string>();
      for (const matchers of sets) for (const name of await querier.labelNames(matchers)) names.add(name);
      return cut([...names].sort(byCodeUnit), limit);
    });
  }

  async labelValues(
    reader: Reader,
    name: string,
    selectors: readonly (readonly LabelMatcher[])[],
    start: number,
    end: number,
    limit: number,
  ): Promise<Limited<string>> {
    return this.read(reader, selectors, start, end, async (querier, sets) => {
      const values = new Set<string>();
      for (const matchers of sets) for (const value of await querier.labelValues(name, matchers)) values.add(value);
      return cut([...values].sort(byCodeUnit), limit);
    });
  }

  /**
   * What senders said about the instance's metric families, by family name (Prometheus's `/api/v1/metadata`; a
   * negative limit is none). A scoped team sees the families it has a series of.
   */
  async metadata(
    reader: Reader,
    metric: string | undefined,
    limit: number,
    limitPerMetric: number,
  ): Promise<Map<string, MetricMetadata[]>> {
    const all = this.store.metadataOf(reader.tenant);
    let families = [...all.keys()].filter((family) => metric === undefined || family === metric).sort(byCodeUnit);
    if (reader.scope.length > 0) {
      const visible = new Set(
        (await this.labelValues(reader, '__name__', [], -8_640_000_000_000_000, 8_640_000_000_000_000, 0)).items,
      );
      families = families.filter((family) => FAMILY_SUFFIXES.some((suffix) => visible.has(family + suffix)));
    }
    const out = new Map<string, MetricMetadata[]>();
    for (const family of limit >= 0 ? families.slice(0, limit) : families) {
      const entry = all.get(family);
      if (entry === undefined) continue;
      const entries = [{ type: entry.type, help: entry.help, unit: entry.unit }];
      out.set(family, limitPerMetric >= 0 ? entries.slice(0, limitPerMetric) : entries);
    }
    return out;
  }

  private engine(reader: Reader, options: QueryOptions): Engine {
    const engineOptions: EngineOptions = {
      lookbackDelta: options.lookbackDelta ?? this.settings.lookbackDelta,
      maxSamples: this.settings.maxSamples,
      maxLoadedSamples: this.settings.maxLoadedSamples,
      timeout: Math.min(options.timeout ?? Infinity, this.settings.timeout),
      ...(reader.scope.length > 0 ? { rewrite: (expr) => enforceScope(expr, reader.scope) } : {}),
    };
    return new Engine(this.storageFor(reader), engineOptions);
  }

  private storageFor(reader: Reader): Storage {
    const own = tenantStorage(this.store, reader.tenant);
    return reader.scope.length > 0 ? scopedStorage(own, reader.scope) : own;
  }

  private async read<T>(
    reader: Reader,
    selectors: readonly (readonly LabelMatcher[])[],
    start: number,
    end: number,
    body: (
      querier: Awaited<ReturnType<Storage['querier']>>,
      sets: readonly (readonly LabelMatcher[])[],
    ) => Promise<Limited<T>>,
  ): Promise<Limited<T>> {
    const querier = await this.storageFor(reader).querier({ start, end });
    try {
      const sets = selectors.length > 0 ? selectors : [[]];
      return await body(querier, reader.scope.length > 0 ? enforceMatcherSets(sets, reader.scope) : sets);
    } finally {
      await querier.close();
    }
  }
}

/** The series names a metric family's samples are written under (Prometheus's text formats). */
const FAMILY_SUFFIXES = ['', '_total', '_bucket', '_count', '_sum', '_created', '_info'];

function cut<T>(items: T[], limit: number): Limited<T> {
  return limit > 0 && items.length > limit
    ? { items: items.slice(0, limit), truncated: true }
    : { items, truncated: false };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
