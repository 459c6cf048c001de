import type { PromPoint, PromQueryResponse, PromSeries } from '../../client/metrics.js';
import { parseDuration } from '../../promql/literals.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { targetedInstance, teamClient, teamOf } from './monitor-teams.js';

/** `{__name__="up", job="api"}` written as Prometheus does: `up{job="api"}`. */
function seriesName(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const labels = Object.entries(rest)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return labels.length > 0 || name === '' ? `${name}{${labels.join(', ')}}` : name;
}

function timeOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function durationOption(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === null || ms <= 0) throw new UsageError(`--${name} must be a duration such as 30s, 5m or 1h, not '${raw}'`);
  return ms;
}

function rowsOf(body: PromQueryResponse): string[][] {
  const { data } = body;
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    const [t, v] = data.result as PromPoint;
    return [['', v, timeOf(t)]];
  }
  const result = data.result as PromSeries[];
  const point = (series: PromSeries, [t, v]: PromPoint) => [seriesName(series.metric), v, timeOf(t)];
  const rows: string[][] = [];
  for (const series of result) {
    if (series.value) rows.push(point(series, series.value));
    for (const p of series.values ?? []) rows.push(point(series, p));
    if (series.histogram) rows.push([seriesName(series.metric), '(native histogram)', timeOf(series.histogram[0])]);
    for (const [t] of series.histograms ?? []) rows.push([seriesName(series.metric), '(native histogram)', timeOf(t)]);
  }
  return rows;
}

export const monitorQueryCommands = [
  defineCommand({
    name: 'monitor query',
    summary: 'Run a PromQL query on the targeted instance (what your team may see)',
    args: ['EXPR'],
    json: true,
    options: {
      time: { type: 'string', value: 'TIME', description: 'Evaluation time, RFC 3339 or Unix seconds (default: now).' },
      range: {
        type: 'string',
        value: 'DURATION',
        description: 'A range query over this long up to --time (e.g. 1h), one row per point.',
      },
      step: { type: 'string', value: 'DURATION', description: 'Range query resolution (default: range / 60).' },
      team: { type: 'string', value: 'NAME', description: 'The team (default: the targeted team).' },
    },
    details:
      'Examples:\n' +
      "  vigil monitor query 'up'\n" +
      "  vigil monitor query 'sum by (job) (rate(http_requests_total[5m]))' --range 1h --step 1m\n" +
      "  vigil monitor query 'up' --output json     (Prometheus's JSON, as /prometheus/api/v1/query answers)",
    async run(ctx, args) {
      targetedInstance(ctx);
      const expr = args.positional(0);
      const rawTime = args.string('time');
      const at = rawTime === undefined ? Date.now() / 1000 : Number(rawTime) || Date.parse(rawTime) / 1000;
      if (!Number.isFinite(at)) throw new UsageError(`--time must be RFC 3339 or Unix seconds, not '${rawTime}'`);
      const range = durationOption(args.string('range'), 'range');
      const step = durationOption(args.string('step'), 'step');
      if (step !== undefined && range === undefined) throw new UsageError('--step goes with --range');
      const name = args.string('team');
      const client = name === undefined ? ctx.client() : teamClient(ctx, await teamOf(ctx, name));
      const body = await ctx.spin(
        'Querying',
        range === undefined
          ? client.metrics.query(expr, at)
          : client.metrics.queryRange(expr, at - range / 1000, at, (step ?? Math.max(1000, range / 60)) / 1000),
      );
      if (ctx.json) {
        ctx.out.json(body);
        return;
      }
      for (const warning of body.warnings ?? []) ctx.io.stderr.write(`warning: ${warning}\n`);
      ctx.out.table(['Series', 'Value', 'Time'], rowsOf(body), 'No data.');
    },
  }),
];
