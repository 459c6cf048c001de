import type { LabelMatcher } from '../../promql/ast.js';
import { compileMatchers, type LabelSetPredicate } from '../../promql/engine/core/matchers.js';
import { formatLabels, getLabel, labelsFrom, METRIC_NAME, type Labels } from '../../promql/engine/core/labels.js';
import type { Clock } from '../../platform/clock.js';
import { REFUSAL_MESSAGES, type AppendRefusal } from '../../tsdb/errors.js';
import type { HeadSeries } from '../../tsdb/head/head-series.js';
import type { Tsdb } from '../../tsdb/tsdb.js';
import type { RemoteWriteVersion } from '../remote-write/content.js';
import type { WireSeries, WriteRequest } from '../remote-write/decode.js';
import { validateSamples, validateSeries } from '../remote-write/validate.js';
import { TENANT_LABEL } from '../store/tenant-storage.js';
import { ingestErrors } from './ingest-errors.js';
import { SampleRateLimiter } from './sample-rate-limiter.js';
import { SeriesCache } from './series-cache.js';

export interface IngestLimits {
  readonly maxSamplesPerSecond: number;
  readonly maxActiveSeries: number;
  readonly maxSeriesPerMetric: number;
}

/** Who writes: the instance the data belongs to, and the team's role and scope. */
export interface Writer {
  readonly tenant: string;
  readonly readOnly: boolean;
  readonly scope: readonly LabelMatcher[];
}

/** What was written, for remote-write 2.0's `X-Prometheus-Remote-Write-*-Written` headers. */
export interface IngestOutcome {
  readonly samples: number;
  readonly histograms: number;
  readonly exemplars: number;
}

/** Counts for vigil's own metrics. */
export interface IngestCounters {
  received(samples: number): void;
  rejected(reason: string, samples: number): void;
}

/** Every series written over remote-write carries this, as on IBM Cloud Monitoring. */
const REMOTE_WRITE_LABEL = { name: 'remote_write', value: 'true' } as const;

type Reason = AppendRefusal | 'invalid';

type Target =
  | { readonly kind: 'known'; readonly series: HeadSeries }
  | { readonly kind: 'new'; readonly labels: Labels }
  | { readonly kind: 'invalid'; readonly problem: string };

/**
 * Remote-write's rules: who may write, what a scoped team may write, the instance's limits, the validation of series
 * and samples, then one batch into the store, acknowledged only once it is in the write-ahead log. A refusal of the
 * request (role, scope, limits) writes nothing; invalid samples are refused one by one while the rest is written, and
 * the answer is then 400 saying how many and why (Prometheus's partial-write semantics).
 */
export class IngestService {
  private readonly rate: SampleRateLimiter;
  private readonly cache = new SeriesCache();
  private readonly scopes = new Map<string, LabelSetPredicate>();

  constructor(
    private readonly store: Tsdb,
    private readonly limits: IngestLimits,
    clock: Clock,
    private readonly counters: IngestCounters,
    private readonly reportError: (error: unknown, what: string) => void,
  ) {
    this.rate = new SampleRateLimiter(limits.maxSamplesPerSecond, clock);
  }

  write(writer: Writer, request: WriteRequest, version: RemoteWriteVersion): IngestOutcome {
    if (writer.readOnly) throw ingestErrors.readOnly();
    let total = 0;
    for (const series of request.series) total += series.timestamps.length + series.histograms.length;
    this.counters.received(total);
    const inScope = this.scopeOf(writer.scope);

    // First pass: every series valid and known or to be created; nothing is written yet.
    const targets = request.series.map((series) => this.resolve(writer, series, inScope, version));
    this.checkSeriesLimits(writer.tenant, targets);
    const wait = this.rate.take(writer.tenant, total);
    if (wait > 0) {
      this.counters.rejected('rate_limited', total);
      throw ingestErrors.limited(
        `instance ${writer.tenant} is over its ${this.limits.maxSamplesPerSecond} samples per second ` +
          '(VIGIL_METRICS_MAX_SAMPLES_PER_SECOND)',
        wait,
      );
    }

    const appender = this.store.appender();
    const refused = new Map<Reason, { samples: number; example: string }>();
    const refuse = (reason: Reason, samples: number, example: string) => {
      const entry = refused.get(reason);
      if (entry) entry.samples += samples;
      else refused.set(reason, { samples, example });
    };
    let samples = 0;
    let histograms = 0;
    request.series.forEach((wire, i) => {
      const target = targets[i] as Target;
      if (target.kind === 'invalid') {
        refuse('invalid', wire.timestamps.length + wire.histograms.length, target.problem);
        return;
      }
      const series = target.kind === 'known' ? target.series : this.create(writer.tenant, wire, target.labels);
      for (let j = 0; j < wire.timestamps.length; j++) {
        const t = wire.timestamps[j] as number;
        const check = appender.addFloat(series, t, wire.values[j] as number, wire.stale[j] === true);
        if (check === 'append') samples++;
        else if (check !== 'ignore') refuse(check, 1, `${formatLabels(shown(series.labels))} @ ${t}`);
      }
      for (const { t, h, stale } of wire.histograms) {
        const check = stale ? appender.addFloat(series, t, NaN, true) : appender.addHistogram(series, t, h);
        if (check === 'append') histograms++;
        else if (check !== 'ignore') refuse(check, 1, `${formatLabels(shown(series.labels))} @ ${t}`);
      }
    });
    const families = request.metadata.map((m) => ({ tenant: writer.tenant, ...m }));
    for (const entry of families) appender.addMetadata(entry);
    try {
      appender.commit();
    } catch (error) {
      this.counters.rejected('store_unavailable', total);
      this.reportError(error, 'write remote-write samples to the write-ahead log');
      throw ingestErrors.storeUnavailable();
    }
    for (const entry of families) this.store.setMetadata(entry);
    if (refused.size > 0) throw this.rejection(refused, total);
    return { samples, histograms, exemplars: 0 };
  }

  /** A series of the request as the store knows it, or the labels to create it with, or why it is invalid. */
  private resolve(
    writer: Writer,
    series: WireSeries,
    inScope: LabelSetPredicate | null,
    version: RemoteWriteVersion,
  ): Target {
    const known = this.cache.get(writer.tenant, series.key);
    if (known !== undefined) {
      if (inScope && !inScope(known.labels)) throw this.outsideScope(known.labels, writer.scope);
      // Its labels were checked when it was first seen; its samples are new.
      const problem = validateSamples(series, version);
      return problem === null ? { kind: 'known', series: known } : { kind: 'invalid', problem };
    }
    const problem = validateSeries(series, version);
    if (problem !== null) return { kind: 'invalid', problem };
    const labels = storedLabels(writer.tenant, series);
    if (inScope && !inScope(labels)) throw this.outsideScope(labels, writer.scope);
    const existing = this.store.head.find(labels);
    if (existing === undefined) return { kind: 'new', labels };
    this.cache.set(writer.tenant, series.key, existing);
    return { kind: 'known', series: existing };
  }

  private create(tenant: string, wire: WireSeries, labels: Labels): HeadSeries {
    const series = this.store.series(labels);
    this.cache.set(tenant, wire.key, series);
    this.cache.trim(this.store.head);
    return series;
  }

  /** Refuses the whole request (429) when its new series would pass the instance's series limits. */
  private checkSeriesLimits(tenant: string, targets: readonly Target[]): void {
    const head = this.store.head;
    let created = 0;
    const perMetric = new Map<string, number>();
    for (const target of targets) {
      if (target.kind !== 'new') continue;
      created++;
      const name = getLabel(target.labels, METRIC_NAME);
      perMetric.set(name, (perMetric.get(name) ?? 0) + 1);
    }
    if (created === 0) return;
    if (head.partitionSeries(tenant) + created > this.limits.maxActiveSeries) {
      this.counters.rejected('series_limit', created);
      throw ingestErrors.limited(
        `instance ${tenant} would have more than ${this.limits.maxActiveSeries} active series ` +
          '(VIGIL_METRICS_MAX_ACTIVE_SERIES); series end when they have had no sample for 2 to 3 hours',
        60,
      );
    }
    for (const [name, n] of perMetric) {
      if (head.metricSeries(tenant, name) + n > this.limits.maxSeriesPerMetric) {
        this.counters.rejected('series_per_metric_limit', n);
        throw ingestErrors.limited(
          `metric ${name} would have more than ${this.limits.maxSeriesPerMetric} active series in instance ` +
            `${tenant} (VIGIL_METRICS_MAX_SERIES_PER_METRIC)`,
          60,
        );
      }
    }
  }

  private scopeOf(scope: readonly LabelMatcher[]): LabelSetPredicate | null {
    if (scope.length === 0) return null;
    const key = JSON.stringify(scope);
    let predicate = this.scopes.get(key);
    if (predicate === undefined) {
      predicate = compileMatchers(scope);
      this.scopes.set(key, predicate);
    }
    return predicate;
  }

  private outsideScope(labels: Labels, scope: readonly LabelMatcher[]) {
    this.counters.rejected('outside_scope', 0);
    const text = scope.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(', ');
    return ingestErrors.outsideScope(formatLabels(shown(labels)), `{${text}}`);
  }

  private rejection(refused: ReadonlyMap<Reason, { samples: number; example: string }>, total: number) {
    let rejected = 0;
    const parts: string[] = [];
    for (const [reason, { samples, example }] of refused) {
      rejected += samples;
      this.counters.rejected(reason, samples);
      const what = reason === 'invalid' ? 'invalid series' : REFUSAL_MESSAGES[reason];
      parts.push(`${what}: ${samples}${example ? ` (e.g. ${example})` : ''}`);
    }
    return ingestErrors.rejected(`${rejected} of ${total} samples rejected; ${parts.join('; ')}`);
  }
}

/** A series' labels as stored: the sender's, `remote_write="true"`, and the instance in the tenant label. */
function storedLabels(tenant: string, series: WireSeries): Labels {
  const pairs: [string, string][] = [[TENANT_LABEL, tenant]];
  for (const { name, value } of series.labels) if (name !== REMOTE_WRITE_LABEL.name) pairs.push([name, value]);
  pairs.push([REMOTE_WRITE_LABEL.name, REMOTE_WRITE_LABEL.value]);
  return labelsFrom(pairs);
}

/** The labels a sender may see (without the tenant). */
function shown(labels: Labels): Labels {
  return labels[0]?.name === TENANT_LABEL ? labels.slice(1) : labels;
}
