import { compressSync } from 'snappy';
import { seededRandom } from '../src/testing/seeded-random.js';

/**
 * The metrics benchmarks' data and how it travels: sets of series with realistic label sets and values
 * (node_exporter-like hosts for ingest and storage, PromQL's `x` and `h_bucket` for queries), cut into remote-write
 * 1.0 bodies the way Prometheus's shards cut them (each sender owns its series; 2,000 samples a request). Bodies are
 * built by copying each series' pre-encoded labels and appending its one sample, so that tens of thousands of bodies
 * can be made before a timed run without protobufjs's cost. The bytes are what src/metrics/remote-write/testing's
 * protobufjs encoder writes for the same series (checked by hand, byte for byte, on bodies without a 0, which protobufjs
 * leaves out); Prometheus, which parses them with its own code, answering 204 is the check every run makes.
 */

export interface LabelPair {
  readonly name: string;
  readonly value: string;
}

/** A fixed population of series: labels, a scrape offset and a value per round, asked for in round order. */
export interface SeriesSet {
  readonly count: number;
  /** The series' labels, sorted by name (`__name__` first), as a scrape would send them. */
  labels(series: number): readonly LabelPair[];
  /** The series' value at its next round (each series is asked for rounds 0, 1, 2… in order). */
  next(series: number): number;
  /** Milliseconds after the round's start at which the series is scraped (its target's offset). */
  readonly offsets: Float64Array;
}

const SERIES_PER_HOST = 100;
const MODES = ['idle', 'user', 'system', 'iowait'] as const;

/** What kind of series each of a host's 100 is, in roughly node_exporter's proportions. */
type Kind = 'constant' | 'rareCounter' | 'memoryGauge' | 'cpuSeconds' | 'bytes' | 'packets' | 'requests' | 'load';
const HOST_KINDS: readonly (readonly [Kind, string, number])[] = [
  ['constant', 'node_info', 35],
  ['rareCounter', 'node_errors_total', 24],
  ['memoryGauge', 'node_memory_bytes', 12],
  ['cpuSeconds', 'node_cpu_seconds_total', 14],
  ['bytes', 'node_network_bytes_total', 7],
  ['packets', 'node_network_packets_total', 5],
  ['requests', 'http_requests_total', 2],
  ['load', 'node_load1', 1],
];

/**
 * `hosts` node_exporter-like targets of 100 series each, 8 labels a series (`__name__`, cluster, instance, job, mode,
 * namespace, pod, region), scraped every `interval` at a whole-second offset per host: 35 constants (info metrics,
 * sizes), 24 error counters that seldom tick, 12 memory gauges moving by pages every minute, 14 CPU-seconds counters
 * in 0.01 s ticks growing by their mode's share (the noisy floats), 7 byte counters, 5 packet counters, 2 request
 * counters and a two-decimal load average. Storage costs follow these proportions, node_exporter's: most real series
 * are constant or move rarely, a few are noisy.
 */
export function nodeHosts(hosts: number, interval: number, seed = 1): SeriesSet {
  const count = hosts * SERIES_PER_HOST;
  const random = seededRandom(seed);
  const kinds: Kind[] = [];
  const names: string[] = [];
  for (const [kind, name, n] of HOST_KINDS) {
    for (let i = 0; i < n; i++) {
      kinds.push(kind);
      names.push(name);
    }
  }
  const current = new Float64Array(count);
  const offsets = new Float64Array(count);
  // Whole seconds, so that the OpenMetrics text promtool reads (seconds) holds every timestamp exactly.
  const hostOffsets = Array.from({ length: hosts }, () => 1000 * Math.floor((random() * interval) / 1000));
  for (let s = 0; s < count; s++) {
    offsets[s] = hostOffsets[Math.floor(s / SERIES_PER_HOST)] as number;
    current[s] = start(kinds[s % SERIES_PER_HOST] as Kind, s, random);
  }
  const steps = new Uint32Array(count);
  return {
    count,
    offsets,
    labels(series) {
      const host = Math.floor(series / SERIES_PER_HOST);
      const k = series % SERIES_PER_HOST;
      return [
        { name: '__name__', value: names[k] as string },
        { name: 'cluster', value: `prod-${['eu-de', 'us-south', 'jp-tok'][host % 3]}-${host % 7}` },
        { name: 'instance', value: `10.${(host >> 16) & 255}.${(host >> 8) & 255}.${host & 255}:9100` },
        { name: 'job', value: 'node-exporter' },
        { name: 'mode', value: `${MODES[k % 4]}-${k}` },
        { name: 'namespace', value: `team-${host % 20}` },
        { name: 'pod', value: `node-exporter-${((host * 7919) % 1_000_003).toString(36)}-x2k4p` },
        { name: 'region', value: ['eu-de', 'us-south', 'jp-tok'][host % 3] as string },
      ];
    },
    next(series) {
      const k = series % SERIES_PER_HOST;
      const step = steps[series]++ as number;
      return (current[series] = advance(kinds[k] as Kind, k, current[series] as number, step, random));
    },
  };
}

function start(kind: Kind, series: number, random: () => number): number {
  switch (kind) {
    case 'constant':
      return series % 3 === 0 ? 1 : 53_660_876_800 + (series % 97) * 4096;
    case 'memoryGauge':
      return 4096 * Math.floor(1e6 + random() * 1e6);
    case 'load':
      return 1;
    case 'cpuSeconds':
      return Math.round(random() * 1e7) / 100;
    default:
      return Math.floor(random() * 1e6);
  }
}

/** A CPU's share of time in each mode (idle, user, system, iowait), which sets how fast its counter grows. */
const MODE_SHARES = [0.86, 0.08, 0.04, 0.01];

function advance(kind: Kind, k: number, value: number, step: number, random: () => number): number {
  switch (kind) {
    case 'constant':
      return value;
    case 'rareCounter':
      return random() < 0.02 ? value + 1 : value;
    case 'memoryGauge':
      return step % 4 === 0 ? Math.max(0, value + 4096 * Math.round((random() - 0.5) * 64)) : value;
    case 'cpuSeconds':
      // USER_HZ ticks: the counter moves in hundredths of a second, by the mode's share of 15 s.
      return Math.round((value + (MODE_SHARES[k % 4] as number) * 15 * (0.8 + 0.4 * random())) * 100) / 100;
    case 'bytes':
      return value + Math.round((k % 2 === 0 ? 60_000 : 2_000) * (0.5 + random()));
    case 'packets':
      return value + Math.round(20 * (0.5 + random()));
    case 'requests':
      return random() < 0.5 ? value + Math.round(60 * random()) : value;
    case 'load':
      return Math.max(0, Math.round((value + (random() - 0.5) * 0.2) * 100) / 100);
  }
}

/** Prometheus's default histogram buckets (client_golang's DefBuckets) and +Inf. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];

/**
 * The query benchmark's data, as in bench/promql-engine.ts: `x`, `jobs` × `instances` counters growing by 0..10 a
 * scrape; and `h_bucket`, `histograms` classic histograms of 12 `le` buckets fed 0..10 exponentially distributed
 * latencies (mean 150 ms) a scrape. Series 0…jobs×instances−1 are `x`, then 12 a histogram.
 */
export function queryData(jobs: number, instances: number, histograms: number, seed = 6): SeriesSet {
  const counters = jobs * instances;
  const count = counters + histograms * BUCKETS.length;
  const random = seededRandom(seed);
  const current = new Float64Array(counters);
  for (let s = 0; s < counters; s++) current[s] = Math.floor(random() * 1_000);
  const buckets = new Float64Array(histograms * BUCKETS.length);
  const rounds = new Int32Array(histograms * BUCKETS.length);
  return {
    count,
    offsets: new Float64Array(count),
    labels(series) {
      if (series < counters) {
        return [
          { name: '__name__', value: 'x' },
          { name: 'instance', value: `i${series % instances}` },
          { name: 'job', value: `j${Math.floor(series / instances)}` },
        ];
      }
      const h = series - counters;
      const bound = BUCKETS[h % BUCKETS.length] as number;
      return [
        { name: '__name__', value: 'h_bucket' },
        { name: 'instance', value: `i${Math.floor(h / BUCKETS.length)}` },
        { name: 'le', value: bound === Infinity ? '+Inf' : String(bound) },
      ];
    },
    next(series) {
      if (series < counters) return (current[series] = (current[series] as number) + random() * 10);
      // A histogram's buckets must move together although different senders ask for them at different times: each
      // bucket draws its round's observations again from a generator seeded by (histogram, round), and counts its own.
      const h = series - counters;
      const bound = BUCKETS[h % BUCKETS.length] as number;
      const round = rounds[h]++ as number;
      const draw = seededRandom(
        seed ^ Math.imul(Math.floor(h / BUCKETS.length) + 1, 0x9e3779b1) ^ Math.imul(round + 1, 0x85ebca77),
      );
      const observations = Math.floor(draw() * 11);
      let added = 0;
      for (let n = 0; n < observations; n++) if (-Math.log(1 - draw()) * 0.15 <= bound) added++;
      return (buckets[h] = (buckets[h] as number) + added);
    },
  };
}

function varintLength(n: number): number {
  let length = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 128) {
    out[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

/** `string` field `field` of a protobuf message: tag, length, UTF-8 bytes. */
function stringField(field: number, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(1 + varintLength(bytes.length) + bytes.length);
  out[0] = (field << 3) | 2;
  bytes.copy(out, writeVarint(out, 1, bytes.length));
  return out;
}

/** A list of series encoded with room for one sample each, and where each sample goes. */
interface Template {
  readonly series: Int32Array;
  readonly bytes: Buffer;
  readonly samples: Int32Array;
}

const MAX_TEMPLATES = 64;
const SAMPLE_BYTES = 16; // Sample: 0x09 + float64, 0x10 + a six-byte varint timestamp (2^35 ≤ t < 2^42 ms)
const MIN_T = 2 ** 35;
const MAX_T = 2 ** 42;

/**
 * Remote-write 1.0 bodies of one sample per series (prompb.WriteRequest, snappy block): each series' `timeseries`
 * field is encoded once — tag, length, its labels, the samples field's tag and length — and a body is those prefixes
 * copied one after the other, each followed by its sample's 16 bytes. Timestamps must lie in [2^35, 2^42) ms (1971 to
 * 2109) so that their varint is six bytes and every prefix stays valid.
 */
export class BodyEncoder {
  private readonly prefixes: Buffer[] = [];
  private readonly templates = new Map<string, Template>();

  constructor(set: SeriesSet) {
    for (let s = 0; s < set.count; s++) {
      const labels = Buffer.concat(
        set.labels(s).map((l) => {
          const pair = Buffer.concat([stringField(1, l.name), stringField(2, l.value)]);
          return Buffer.concat([Buffer.from([0x0a]), varintBuffer(pair.length), pair]);
        }),
      );
      const seriesLength = labels.length + 2 + SAMPLE_BYTES;
      this.prefixes.push(
        Buffer.concat([Buffer.from([0x0a]), varintBuffer(seriesLength), labels, Buffer.from([0x12, SAMPLE_BYTES])]),
      );
    }
  }

  /** The body a Prometheus shard would POST: the WriteRequest, snappy block format. */
  body(series: Int32Array, timestamps: ArrayLike<number>, values: ArrayLike<number>): Buffer {
    // A copy: the addon hands back a native allocation of the uncompressed size, ten times the body, freed only when
    // finalized (and finalizers wait for the event loop: a caller making many bodies should yield to it now and then).
    return Buffer.from(compressSync(this.fill(series, timestamps, values)));
  }

  /**
   * The samples written into the list's template, which is returned: valid until the next call. A shard's stream
   * repeats its list of series every few batches, so the last lists' encodings are kept and only their samples
   * rewritten — and no body-sized buffer is allocated per body (tens of thousands of them would pile up for the GC).
   */
  private fill(series: Int32Array, timestamps: ArrayLike<number>, values: ArrayLike<number>): Buffer {
    const template = this.template(series);
    const out = template.bytes;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < series.length; i++) {
      let at = template.samples[i] as number;
      const t = timestamps[i] as number;
      if (!(t >= MIN_T && t < MAX_T)) throw new RangeError(`timestamp ${t} outside [2^35, 2^42) ms`);
      out[at++] = 0x09;
      view.setFloat64(at, values[i] as number, true);
      at += 8;
      out[at++] = 0x10;
      writeVarint(out, at, t);
    }
    return out;
  }

  private template(series: Int32Array): Template {
    const key = `${series.length}:${series[0]}:${series[series.length - 1]}`;
    const cached = this.templates.get(key);
    if (
      cached !== undefined &&
      cached.series.length === series.length &&
      cached.series.every((s, i) => s === series[i])
    ) {
      return cached;
    }
    let size = 0;
    for (const s of series) size += (this.prefixes[s] as Buffer).length + SAMPLE_BYTES;
    const bytes = Buffer.alloc(size);
    const samples = new Int32Array(series.length);
    let at = 0;
    series.forEach((s, i) => {
      const prefix = this.prefixes[s] as Buffer;
      bytes.set(prefix, at);
      samples[i] = at + prefix.length;
      at += prefix.length + SAMPLE_BYTES;
    });
    const template = { series: Int32Array.from(series), bytes, samples };
    if (this.templates.size >= MAX_TEMPLATES) this.templates.delete(this.templates.keys().next().value as string);
    this.templates.set(key, template);
    return template;
  }
}

function varintBuffer(n: number): Buffer {
  const out = Buffer.alloc(varintLength(n));
  writeVarint(out, 0, n);
  return out;
}

/** One request's samples: parallel arrays of series, timestamps and values. */
export interface Batch {
  readonly series: Int32Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/**
 * Splits the series among `senders` as Prometheus's shards do (series s goes to sender s mod senders, so a series'
 * samples are always sent in order by one sender), then yields each sender's stream — its series at round 0, then at
 * round 1, … — cut into batches of `batchSize` samples; a batch may end in one round and go on into the next. Round r
 * is scraped at `start + r × interval` plus each series' offset. Values are drawn in round order, so this must be
 * the only reader of `set`. `rounds` is how many rounds in all; the generator yields [sender, batch] in the order
 * the senders would fill them, round-robin.
 */
export function* shardBatches(
  set: SeriesSet,
  senders: number,
  batchSize: number,
  start: number,
  interval: number,
  rounds: number,
): Generator<[number, Batch]> {
  const owned = Array.from({ length: senders }, (_, k) => {
    const list: number[] = [];
    for (let s = k; s < set.count; s += senders) list.push(s);
    return list;
  });
  const cursors = owned.map(() => ({ round: 0, index: 0 }));
  for (;;) {
    let any = false;
    for (let k = 0; k < senders; k++) {
      const mine = owned[k] as number[];
      const cursor = cursors[k] as { round: number; index: number };
      if (cursor.round >= rounds || mine.length === 0) continue;
      any = true;
      const series: number[] = [];
      const timestamps: number[] = [];
      const values: number[] = [];
      while (series.length < batchSize && cursor.round < rounds) {
        const s = mine[cursor.index] as number;
        series.push(s);
        timestamps.push(start + cursor.round * interval + (set.offsets[s] as number));
        values.push(set.next(s));
        if (++cursor.index === mine.length) {
          cursor.index = 0;
          cursor.round++;
        }
      }
      yield [
        k,
        {
          series: Int32Array.from(series),
          timestamps: Float64Array.from(timestamps),
          values: Float64Array.from(values),
        },
      ];
    }
    if (!any) return;
  }
}
