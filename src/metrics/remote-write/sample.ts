import type { RemoteWriteVersion } from './content.js';
import { expect, FIXED64, VARINT, type ProtoReader } from './proto-reader.js';

/**
 * Reads one `Sample` (value = 1, timestamp = 2; remote-write 2.0 adds start_timestamp = 3, checked and not kept; 1.0
 * has no field 3, so there it is skipped as any unknown field) into the series' columns. Staleness is read from the
 * value's bits here, before a typed array could quiet the NaN.
 */
export function readSample(
  r: ProtoReader,
  version: RemoteWriteVersion,
  timestamps: number[],
  values: number[],
  stale: boolean[],
): void {
  const outer = r.enter();
  const end = r.end;
  let value = 0;
  let isStale = false;
  let t = 0;
  while (r.pos < end) {
    const tag = r.tag('Sample');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(wireType, FIXED64, 'Value');
        value = r.double();
        // Staleness is the exact bit pattern 0x7ff0000000000002 (Prometheus value.StaleNaN), read from the bytes.
        isStale = value !== value && r.lastDoubleIsStale();
        break;
      case 2:
        expect(wireType, VARINT, 'Timestamp');
        t = r.int64();
        break;
      case 3:
        if (version === 1) {
          r.skip(wireType, 'Sample');
          break;
        }
        expect(wireType, VARINT, 'StartTimestamp');
        r.int64();
        break;
      default:
        r.skip(wireType, 'Sample');
    }
  }
  r.leave(outer);
  timestamps.push(t);
  values.push(value);
  stale.push(isStale);
}
