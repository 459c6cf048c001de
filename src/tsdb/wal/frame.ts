/**
 * The on-disk framing of WAL segments (vigil's, simpler than Prometheus's 32 KiB pages): a 12-byte segment header
 * (magic `VWAL`, format version, three zero bytes, CRC32C of those 8 bytes), then records laid end to end, each
 * `length u32 BE | crc32c u32 BE over type+payload | type u8 | payload`. A record never crosses a segment, so a
 * segment reads on its own and a torn write can only damage the tail of the segment it was written to.
 */
import { crc32c } from './crc32c.js';
import { WalError } from './errors.js';

const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_SIZE = 12;
export const FRAME_HEADER_SIZE = 9;
/** A record's payload length must fit the u32 length field and one readFileSync (2 GiB). */
export const MAX_PAYLOAD = 0x7fff0000;

const MAGIC = [0x56, 0x57, 0x41, 0x4c];

/** The header every segment file starts with. */
export function segmentHeader(): Uint8Array {
  const header = new Uint8Array(SEGMENT_HEADER_SIZE);
  header.set(MAGIC);
  header[4] = SEGMENT_VERSION;
  new DataView(header.buffer).setUint32(8, crc32c(header, 0, 8));
  return header;
}

export interface WalRecord {
  readonly type: number;
  readonly payload: Uint8Array;
}

/** Bytes the records take once framed; throws RangeError for a type outside 1..255 or a payload too large. */
export function framedSize(records: readonly WalRecord[]): number {
  let total = 0;
  for (const { type, payload } of records) {
    if (type !== (type & 0xff) || type === 0) throw new RangeError(`record type ${type} is not an integer in 1..255`);
    if (payload.length > MAX_PAYLOAD) throw new RangeError(`record payload of ${payload.length} bytes is too large`);
    total += FRAME_HEADER_SIZE + payload.length;
  }
  return total;
}

/** The records framed back to back in one buffer of `size` bytes (from framedSize), ready for one write. */
export function encodeFrames(records: readonly WalRecord[], size: number): Uint8Array {
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const { type, payload } of records) {
    out.writeUInt32BE(payload.length, pos);
    out[pos + 8] = type;
    out.set(payload, pos + FRAME_HEADER_SIZE);
    const end = pos + FRAME_HEADER_SIZE + payload.length;
    out.writeUInt32BE(crc32c(out, pos + 8, end), pos + 4);
    pos = end;
  }
  return out;
}

/** What reading a segment found: where its good records end, how many there are, and what stopped the reading. */
export interface SegmentScan {
  /** Offset just after the last complete, valid record (0 when even the header is bad). */
  readonly validEnd: number;
  readonly records: number;
  /** Why bytes after `validEnd` are unusable; null when the segment is whole. */
  readonly damage: string | null;
}

/**
 * Reads a whole segment, calling `visit` (if given) with a view of each record's payload in order, and stops at the
 * first damage (short header or record, bad magic, zero type, checksum mismatch) instead of throwing: the caller
 * decides between repair and refusal. `verify` false skips the checksums for bytes verified before. An empty file is
 * a whole segment with no records. A header with a good checksum but another version throws, because that is a
 * format this code cannot read, not damage to repair.
 */
export function scanSegment(
  bytes: Uint8Array,
  file: string,
  visit: ((type: number, payload: Uint8Array) => void) | null,
  verify = true,
): SegmentScan {
  const size = bytes.length;
  if (size === 0) return { validEnd: 0, records: 0, damage: null };
  if (size < SEGMENT_HEADER_SIZE) return { validEnd: 0, records: 0, damage: 'torn segment header' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicOk = MAGIC.every((b, i) => bytes[i] === b) && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0;
  if (!magicOk || view.getUint32(8) !== crc32c(bytes, 0, 8)) {
    return { validEnd: 0, records: 0, damage: 'bad segment header' };
  }
  if (bytes[4] !== SEGMENT_VERSION) {
    throw new WalError('wal_unsupported_version', `${file}: WAL segment format version ${bytes[4]}`, file, 4);
  }
  let pos = SEGMENT_HEADER_SIZE;
  let records = 0;
  while (pos < size) {
    if (pos + FRAME_HEADER_SIZE > size) return { validEnd: pos, records, damage: 'short record header' };
    const end = pos + FRAME_HEADER_SIZE + view.getUint32(pos);
    if (end > size) return { validEnd: pos, records, damage: 'record longer than the segment' };
    const type = bytes[pos + 8];
    if (type === 0) return { validEnd: pos, records, damage: 'record type 0' };
    if (verify && view.getUint32(pos + 4) !== crc32c(bytes, pos + 8, end)) {
      return { validEnd: pos, records, damage: 'checksum mismatch' };
    }
    if (visit !== null) visit(type, bytes.subarray(pos + FRAME_HEADER_SIZE, end));
    records++;
    pos = end;
  }
  return { validEnd: pos, records, damage: null };
}
