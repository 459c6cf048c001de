/**
 * Why the store refused a sample, in Prometheus's words (storage/interface.go), so remote-write senders read the same
 * reasons they would from Prometheus.
 */
export type AppendRefusal = 'out_of_order' | 'duplicate' | 'out_of_bounds';

export const REFUSAL_MESSAGES: Readonly<Record<AppendRefusal, string>> = {
  out_of_order: 'out of order sample',
  duplicate: 'duplicate sample for timestamp',
  out_of_bounds: 'out of bounds',
};

/** The data directory is in use by another vigil process (its lock file names a live process). */
export class TsdbLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `the metrics store ${lockFile} is in use by another vigil process (pid ${pid}); one process per data directory ` +
        '(run more processes against a remote metrics backend instead)',
    );
    this.name = 'TsdbLockedError';
  }
}
