import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { TsdbCorruptionError } from './errors.js';

/**
 * Go's `encoding/binary` varints (7 bits a byte, least significant group first, high bit = more follows), written as
 * 8-bit groups into a bit stream as Prometheus's XOR chunk writes its first timestamp and delta. Values are JS numbers,
 * so they must be safe integers; readers refuse anything longer than Go's 10 bytes or beyond 2^53.
 */
export function writeUvarint(writer: BitWriter, value: number): void {
  while (value >= 0x80) {
    writer.writeBits((value % 0x80) | 0x80, 8);
    value = Math.floor(value / 0x80);
  }
  writer.writeBits(value, 8);
}

/** Go's signed varint: zig-zag (0, −1, 1, −2… → 0, 1, 2, 3…), then as an unsigned varint. */
export function writeVarint(writer: BitWriter, value: number): void {
  writeUvarint(writer, value >= 0 ? value * 2 : -value * 2 - 1);
}

export function readUvarint(reader: BitReader): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = reader.readBits(8);
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (value > Number.MAX_SAFE_INTEGER) throw new TsdbCorruptionError('chunk varint beyond 2^53');
      return value;
    }
    scale *= 0x80;
  }
  throw new TsdbCorruptionError('chunk varint longer than 10 bytes');
}

export function readVarint(reader: BitReader): number {
  const zigzag = readUvarint(reader);
  return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
}
