import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TsdbCorruptionError } from './errors.js';
import { FloatColumns } from './float-columns.js';
import { XorAppender, iterateXorChunk, readXorChunk } from './xor-chunk.js';
import { seededRandom } from '../../testing/seeded-random.js';

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

/** A float from its high and low words (this test runs on a little-endian machine, as Node's platforms are). */
function fromWords(hi: number, lo: number): number {
  words[1] = hi;
  words[0] = lo;
  return scratch[0] as number;
}

function hexBits(value: number): string {
  scratch[0] = value;
  return (words[1] as number).toString(16).padStart(8, '0') + (words[0] as number).toString(16).padStart(8, '0');
}

/** Bytes from hex bytes and bit strings ('b:0101…') in order, zero-padded to a byte at the end; spaces ignored. */
function bytesOf(...parts: string[]): Uint8Array {
  let bits = '';
  for (const part of parts) {
    if (part.startsWith('b:')) bits += part.slice(2).replace(/ /g, '');
    else for (const hex of part.split(' ').filter(Boolean)) bits += parseInt(hex, 16).toString(2).padStart(8, '0');
  }
  bits += '0'.repeat((8 - (bits.length % 8)) % 8);
  return Uint8Array.from({ length: bits.length / 8 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

interface Sample {
  t: number;
  value: number;
  stale: boolean;
}

function encode(samples: readonly Sample[]): Uint8Array {
  const appender = new XorAppender();
  for (const s of samples) appender.append(s.t, s.value, s.stale);
  return appender.bytes();
}

/** The decoded samples with each value's bits as hex, so that NaN payloads and −0 are compared exactly. */
function decodedBits(bytes: Uint8Array): { t: number; bits: string; stale: boolean }[] {
  return [...iterateXorChunk(bytes)].map((s) => ({ t: s.t, bits: hexBits(s.value), stale: s.stale }));
}

const ORDINARY_NAN = fromWords(0x7ff80000, 1); // Prometheus's value.NormalNaN
const STALE_BITS = '7ff0000000000002';

describe('XorAppender: golden bytes (docs/format/chunks.md, tsdb/chunkenc/xor.go)', () => {
  it('writes 4 samples exactly as Prometheus does: varint t, raw value, uvarint Δt, XOR, dod 0, dod 5, stale', () => {
    const bytes = encode([
      { t: 1000, value: 1, stale: false },
      { t: 16000, value: 2, stale: false },
      { t: 31000, value: 2, stale: false },
      { t: 46005, value: 123, stale: true },
    ]);
    const expected = bytesOf(
      '00 04', // num_samples
      'd0 0f', // ts_0: zig-zag 2000 as uvarint (0x50|0x80, 0x0f)
      '3f f0 00 00 00 00 00 00', // v_0: 1.0
      '98 75', // ts_1_delta: 15000 = 0x18|0x80, 0x75
      // v_1: 1.0 XOR 2.0 = 0x7ff0000000000000: control 11, leading 1 (5 bits), 11 significant bits (6), the bits
      'b:11 00001 001011 11111111111',
      'b:0 0', // ts_2: dod 0; v_2 unchanged
      'b:10 00000000000101', // ts_3: dod 5 in the 14-bit bucket
      // v_3: 2.0 XOR stale 0x7ff0000000000002 = 0x3ff0000000000002: leading 2, trailing 1 does not fit the window
      // (trailing 52), so control 11, leading 2, 61 significant bits: 0x1ff8000000000001
      'b:11 00010 111101 1111111111' + '0'.repeat(50) + '1',
    );
    assert.equal(hex(bytes), '0004d00f3ff00000000000009875c25fff2001717bff80000000000010');
    assert.equal(hex(bytes), hex(expected));
    assert.deepEqual(decodedBits(bytes), [
      { t: 1000, bits: '3ff0000000000000', stale: false },
      { t: 16000, bits: '4000000000000000', stale: false },
      { t: 31000, bits: '4000000000000000', stale: false },
      { t: 46005, bits: STALE_BITS, stale: true },
    ]);
  });

  it('writes negative t, the 20-bit bucket and 64-bit dods (positive and negative) exactly', () => {
    const bytes = encode([
      { t: -5000, value: 0, stale: false },
      { t: -4000, value: 0, stale: false },
      { t: 67000, value: 0, stale: false }, // Δ 71000, dod 70000
      { t: 4295105297, value: 0, stale: false }, // Δ 4295038297, dod 2^32 + 1
      { t: 4295105298, value: 0, stale: false }, // Δ 1, dod −4295038296
    ]);
    const expected = bytesOf(
      '00 05',
      '8f 4e', // zig-zag(−5000) = 9999 = 0x0f|0x80, 0x4e
      '00 00 00 00 00 00 00 00',
      'e8 07', // Δt 1000
      'b:0', // v_1 unchanged
      'b:1110 0001 0001 0001 0111 0000', // dod 70000 = 0x11170 in 20 bits
      'b:0',
      'b:1111 00000000000000000000000000000001 00000000000000000000000000000001',
      'b:0',
      // −4295038296 as 64-bit two's complement: 0xfffffffefffeeaa8
      'b:1111 11111111111111111111111111111110 11111111111111101110101010101000',
      'b:0',
    );
    assert.equal(hex(bytes), hex(expected));
    assert.deepEqual(
      [...iterateXorChunk(bytes)].map((s) => s.t),
      [-5000, -4000, 67000, 4295105297, 4295105298],
    );
  });

  it('starts with a 2-byte zero count when empty, and the count is big-endian', () => {
    const appender = new XorAppender();
    assert.equal(hex(appender.bytes()), '0000');
    assert.equal(appender.count, 0);
    assert.equal(appender.byteLength, 2);
    assert.equal(appender.minT, Infinity);
    assert.equal(appender.maxT, -Infinity);
    for (let i = 0; i < 300; i++) appender.append(i * 10, 1, false);
    assert.equal(hex(appender.bytes().subarray(0, 2)), '012c');
    assert.equal(appender.count, 300);
    assert.equal(appender.minT, 0);
    assert.equal(appender.maxT, 2990);
  });
});

describe('XorAppender / iterateXorChunk: values round-trip to the bit', () => {
  it('keeps ±0, ±Inf, NaN (not stale), extreme and subnormal values', () => {
    const values = [
      0,
      -0,
      Infinity,
      -Infinity,
      ORDINARY_NAN,
      NaN,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      fromWords(0x000fffff, 0xffffffff), // largest subnormal
      fromWords(0x00000000, 0x00000003),
      2.2250738585072014e-308,
      1,
      1,
      -1,
      0.1,
      1e300,
    ];
    const samples = values.map((value, i) => ({ t: 1_700_000_000_000 + i * 15_000, value, stale: false }));
    const decoded = decodedBits(encode(samples));
    assert.deepEqual(
      decoded.map((d) => d.bits),
      values.map(hexBits),
    );
    assert.equal(decoded[4]?.bits, '7ff8000000000001');
    assert.equal(
      decoded.some((d) => d.stale),
      false,
    );
  });

  it('writes the stale marker bits exactly, whatever the value passed, and reads them as stale', () => {
    const bytes = encode([
      { t: 0, value: 5, stale: false },
      { t: 1, value: NaN, stale: true },
      { t: 2, value: 7, stale: true },
      { t: 3, value: ORDINARY_NAN, stale: false },
      { t: 4, value: 5, stale: false },
    ]);
    assert.deepEqual(decodedBits(bytes), [
      { t: 0, bits: '4014000000000000', stale: false },
      { t: 1, bits: STALE_BITS, stale: true },
      { t: 2, bits: STALE_BITS, stale: true },
      { t: 3, bits: '7ff8000000000001', stale: false },
      { t: 4, bits: '4014000000000000', stale: false },
    ]);
  });

  it('reads a stale marker whose quiet bit was set (0x7ff8000000000002) as stale too', () => {
    const quieted = fromWords(0x7ff80000, 2);
    const [sample] = [...iterateXorChunk(encode([{ t: 0, value: quieted, stale: false }]))];
    assert.equal(sample?.stale, true);
  });

  it('keeps 2,000 random bit patterns (any float, NaNs with payloads included)', () => {
    const random = seededRandom(42);
    const his = new Uint32Array(2000);
    const los = new Uint32Array(2000);
    const appender = new XorAppender();
    for (let i = 0; i < 2000; i++) {
      his[i] = Math.floor(random() * 2 ** 32);
      los[i] = Math.floor(random() * 2 ** 32);
      // the stale pattern itself would (rightly) read back as stale
      if ((his[i] & 0xfff7ffff) === 0x7ff00000 && los[i] === 2) los[i] = 3;
      appender.append(i * 1000, fromWords(his[i] as number, los[i] as number), false);
    }
    const decoded = [...iterateXorChunk(appender.bytes())];
    assert.equal(decoded.length, 2000);
    decoded.forEach((s, i) => {
      scratch[0] = s.value;
      assert.equal(words[1], his[i], `high word of sample ${i}`);
      assert.equal(words[0], los[i], `low word of sample ${i}`);
      assert.equal(s.stale, false);
    });
  });

  it('costs 1 bit per unchanged value and a few bytes per counter step', () => {
    const constant = new XorAppender();
    const counter = new XorAppender();
    for (let i = 0; i < 120; i++) {
      constant.append(1_700_000_000_000 + i * 15_000, 42, false);
      counter.append(1_700_000_000_000 + i * 15_000, 1000 + i * 3, false);
    }
    // header 2 + t_0 6 + v_0 8 + Δt 2 bytes = 144 bits, then v_1 1 bit and 118 × (dod 0 + value 0) = 2 bits
    assert.equal(constant.byteLength, Math.ceil((144 + 1 + 118 * 2) / 8));
    assert.equal(constant.byteLength, 48);
    assert.deepEqual(
      [...iterateXorChunk(counter.bytes())].map((s) => s.value),
      Array.from({ length: 120 }, (_, i) => 1000 + i * 3),
    );
    assert.ok(counter.byteLength < 120 * 2.5, `${counter.byteLength} bytes for 120 counter samples`);
  });
});

describe('XorAppender: timestamps', () => {
  const EDGES = [0, 1, -1, -8191, 8192, -8192, 8193, -65535, 65536, -65536, 65537, -524287, 524288, -524288, 524289];

  it('round-trips a delta-of-delta at every bucket edge', () => {
    for (const dod of EDGES) {
      const base = 1_000_000; // a first delta large enough that Δt stays positive
      const times = [0, base, 2 * base + dod, 3 * base + 2 * dod];
      const samples = times.map((t) => ({ t, value: 1, stale: false }));
      assert.deepEqual(
        [...iterateXorChunk(encode(samples))].map((s) => s.t),
        times,
        `dod ${dod}`,
      );
    }
  });

  it('takes 1, 16, 20, 24 or 68 bits for the dod, by bucket', () => {
    const sizes: [number, number][] = [
      [0, 1],
      [8192, 16],
      [-8191, 16],
      [8193, 20],
      [-65535, 20],
      [65537, 24],
      [-524287, 24],
      [524289, 68],
      [-524288, 68],
    ];
    for (const [dod, bits] of sizes) {
      const base = 1_000_000;
      const bytes = encode([0, base, 2 * base + dod].map((t) => ({ t, value: 1, stale: false })));
      // header, t_0 (1 byte), v_0, Δt (3 bytes), v_1 (1 bit), then dod and v_2 (1 bit)
      assert.equal(bytes.length, Math.ceil((16 + 8 + 64 + 24 + 1 + bits + 1) / 8), `dod ${dod}`);
    }
  });

  it('round-trips dods beyond ±2^31, negative times and times near ±2^52', () => {
    const times = [-(2 ** 52) + 1, -(2 ** 40), -3, 0, 2 ** 33, 2 ** 33 + 1, 2 ** 45, 2 ** 52 - 1];
    const samples = times.map((t, i) => ({ t, value: i, stale: false }));
    assert.deepEqual(
      [...iterateXorChunk(encode(samples))].map((s) => [s.t, s.value]),
      times.map((t, i) => [t, i]),
    );
  });

  it('round-trips 3 ms of jitter around a 15 s interval', () => {
    const random = seededRandom(7);
    const times: number[] = [];
    for (let i = 0; i < 500; i++) times.push(1_700_000_000_000 + i * 15_000 + Math.floor(random() * 7) - 3);
    const samples = times.map((t) => ({ t, value: 1, stale: false }));
    assert.deepEqual(
      [...iterateXorChunk(encode(samples))].map((s) => s.t),
      times,
    );
  });

  it('refuses times that are not later integers within ±(2^52 − 1) with RangeError, writing nothing', () => {
    const appender = new XorAppender();
    appender.append(100, 1, false);
    const before = hex(appender.bytes());
    for (const t of [100, 99, 100.5, NaN, Infinity, 2 ** 52, -(2 ** 52)]) {
      assert.throws(() => appender.append(t, 1, false), RangeError, `t ${t}`);
    }
    assert.throws(() => new XorAppender().append(-(2 ** 52), 1, false), RangeError);
    assert.equal(hex(appender.bytes()), before);
    assert.equal(appender.count, 1);
  });

  it('refuses a 65,536th sample (the count has 16 bits)', () => {
    const appender = new XorAppender();
    for (let i = 0; i < 65535; i++) appender.append(i, 0, false);
    assert.throws(() => appender.append(65535, 0, false), /at most 65535 samples/);
    assert.equal(appender.count, 65535);
    assert.equal(hex(appender.bytes().subarray(0, 2)), 'ffff');
  });
});

describe('XorAppender.resume', () => {
  const random = seededRandom(3);
  const samples: Sample[] = [];
  let t = -30_000;
  let delta = 15_000;
  for (let i = 0; i < 60; i++) {
    const kind = i % 10;
    if (kind === 3) delta += 70_000;
    else if (kind === 6) delta -= 70_001;
    else if (kind === 8) delta += 2 ** 33;
    else delta += Math.floor(random() * 7) - 3;
    t += delta;
    const value = kind === 2 ? ORDINARY_NAN : kind === 5 ? (samples[i - 1]?.value ?? 0) : random() * 100;
    samples.push({ t, value, stale: kind === 7 });
  }

  it('continues a chunk so that the bytes are those of appending everything at once, at every split', () => {
    const whole = hex(encode(samples));
    for (let split = 0; split <= samples.length; split++) {
      const resumed = XorAppender.resume(encode(samples.slice(0, split)));
      assert.equal(resumed.count, split);
      for (const s of samples.slice(split)) resumed.append(s.t, s.value, s.stale);
      assert.equal(hex(resumed.bytes()), whole, `split at ${split}`);
      assert.equal(resumed.minT, samples[0]?.t);
      assert.equal(resumed.maxT, samples.at(-1)?.t);
    }
  });

  it('restores count, byte length and time bounds', () => {
    const appender = new XorAppender();
    for (const s of samples.slice(0, 10)) appender.append(s.t, s.value, s.stale);
    const resumed = XorAppender.resume(appender.bytes());
    assert.deepEqual(
      [resumed.count, resumed.byteLength, resumed.minT, resumed.maxT],
      [10, appender.byteLength, samples[0]?.t, samples[9]?.t],
    );
    const empty = XorAppender.resume(Uint8Array.of(0, 0));
    assert.deepEqual([empty.count, empty.minT, empty.maxT, hex(empty.bytes())], [0, Infinity, -Infinity, '0000']);
  });

  it('reads and continues a chunk whose first value change reuses the initial 0/0 window (as a rebuilt Go appender writes)', () => {
    // Prometheus's rebuilt appender starts with leading = trailing = 0, so after two equal values it writes `10` + 64 bits.
    const bytes = bytesOf(
      '00 03',
      '00', // t_0 = 0
      '3f f0 00 00 00 00 00 00', // 1.0
      '0a', // Δt 10
      'b:0', // v_1 unchanged
      'b:0', // dod 0
      'b:10 0111111111110000000000000000000000000000000000000000000000000000', // 1.0 XOR 2.0 in the 0/0 window
    );
    assert.deepEqual(
      [...iterateXorChunk(bytes)].map((s) => [s.t, s.value]),
      [
        [0, 1],
        [10, 1],
        [20, 2],
      ],
    );
    const resumed = XorAppender.resume(bytes);
    resumed.append(30, 4, false);
    // 2.0 XOR 4.0 = 0x0010000000000000 fits the 0/0 window: `10` + 64 bits again, as Prometheus writes it
    assert.equal(
      hex(resumed.bytes()),
      hex(
        bytesOf(
          '00 04 00 3f f0 00 00 00 00 00 00 0a',
          'b:0 0 10 0111111111110000000000000000000000000000000000000000000000000000',
          'b:0 10 0000000000010000000000000000000000000000000000000000000000000000',
        ),
      ),
    );
  });
});

describe('chunks written by Prometheus 2.x', () => {
  // Before 3.0, bstream.writeByte at a byte boundary appended an empty byte as well (prometheus/prometheus#14854), so a
  // 2.x chunk whose last sample ends on a byte boundary has one more zero byte. promtool 2.42 writes this one-sample
  // chunk as 00 01 | 00 (t 0) | 3f f0 00 00 00 00 00 00 (1.0) | 00.
  const oneSample = bytesOf('00 01 00 3f f0 00 00 00 00 00 00 00');

  it('reads them, the extra zero byte being padding', () => {
    assert.deepEqual(
      [...iterateXorChunk(oneSample)].map((s) => [s.t, s.value]),
      [[0, 1]],
    );
    const out = new FloatColumns();
    readXorChunk(oneSample, 0, 0, out);
    assert.equal(out.length, 1);
  });

  it('resumes them, writing what Prometheus 3 writes for all the samples', () => {
    const resumed = XorAppender.resume(oneSample);
    resumed.append(15_000, 2, false);
    assert.equal(
      hex(resumed.bytes()),
      hex(
        encode([
          { t: 0, value: 1, stale: false },
          { t: 15_000, value: 2, stale: false },
        ]),
      ),
    );
  });

  it('still refuses a non-zero extra byte, or two extra bytes', () => {
    assert.throws(() => [...iterateXorChunk(bytesOf('00 01 00 3f f0 00 00 00 00 00 00 01'))], TsdbCorruptionError);
    assert.throws(() => [...iterateXorChunk(bytesOf('00 01 00 3f f0 00 00 00 00 00 00 00 00'))], TsdbCorruptionError);
  });
});

describe('readXorChunk', () => {
  const samples: Sample[] = [];
  for (let i = 0; i < 20; i++) samples.push({ t: 1000 + i * 100, value: i, stale: i === 7 });
  const bytes = encode(samples);

  function read(start: number, end: number) {
    const out = new FloatColumns();
    readXorChunk(bytes, start, end, out);
    return out.toFloatSamples();
  }

  it('decodes the samples with start <= t <= end, both ends inclusive', () => {
    const got = read(1200, 1500);
    assert.deepEqual([...got.timestamps], [1200, 1300, 1400, 1500]);
    assert.deepEqual([...got.values], [2, 3, 4, 5]);
    assert.equal(got.stale, undefined);
  });

  it('marks stale samples in the stale column, which is only there when needed', () => {
    const got = read(1650, 1800);
    assert.deepEqual([...got.timestamps], [1700, 1800]);
    assert.deepEqual([...(got.stale ?? [])], [1, 0]);
    assert.equal(Number.isNaN(got.values[0]), true);
  });

  it('decodes everything for a range around the chunk and nothing for a range outside it', () => {
    assert.equal(read(-Infinity, Infinity).timestamps.length, 20);
    assert.equal(read(0, 999).timestamps.length, 0);
    assert.equal(read(2901, 5000).timestamps.length, 0);
    assert.deepEqual([...read(2900, 2900).timestamps], [2900]);
  });

  it('appends after what the columns hold', () => {
    const out = new FloatColumns();
    readXorChunk(bytes, 1000, 1100, out);
    readXorChunk(encode([{ t: 5000, value: 9, stale: false }]), 0, 9999, out);
    assert.deepEqual([...out.toFloatSamples().timestamps], [1000, 1100, 5000]);
  });

  it('stops at the first sample after end without decoding the rest', () => {
    const truncated = bytes.subarray(0, 30); // the later samples are cut off
    const out = new FloatColumns();
    readXorChunk(truncated, 1000, 1200, out);
    assert.deepEqual([...out.toFloatSamples().timestamps], [1000, 1100, 1200]);
    assert.throws(() => readXorChunk(truncated, 1000, 5000, new FloatColumns()), TsdbCorruptionError);
  });
});

describe('corrupt XOR chunks throw TsdbCorruptionError', () => {
  const good = encode([
    { t: 1_700_000_000_000, value: 1.5, stale: false },
    { t: 1_700_000_015_000, value: 2.5, stale: false },
    { t: 1_700_000_030_010, value: 2.5, stale: true },
    { t: 1_700_000_045_000, value: -7, stale: false },
  ]);
  const attempts: [string, (bytes: Uint8Array) => void][] = [
    ['iterateXorChunk', (b) => [...iterateXorChunk(b)]],
    ['readXorChunk', (b) => readXorChunk(b, -Infinity, Infinity, new FloatColumns())],
    ['XorAppender.resume', (b) => XorAppender.resume(b)],
  ];

  function assertCorrupt(bytes: Uint8Array, message: RegExp, what: string): void {
    for (const [name, attempt] of attempts) {
      assert.throws(() => attempt(bytes), TsdbCorruptionError, `${name}: ${what}`);
      assert.throws(() => attempt(bytes), message, `${name}: ${what}`);
    }
  }

  it('for bytes shorter than the header', () => {
    assertCorrupt(new Uint8Array(0), /shorter than its 2-byte header/, 'empty');
    assertCorrupt(Uint8Array.of(0), /shorter than its 2-byte header/, 'one byte');
  });

  it('for every truncation of a chunk', () => {
    for (let length = 2; length < good.length; length++) {
      assertCorrupt(good.subarray(0, length), /truncated/, `${length} of ${good.length} bytes`);
    }
  });

  it('for a count larger than the samples written', () => {
    const bytes = good.slice();
    bytes[1] = 9;
    assertCorrupt(bytes, /truncated/, 'count 9');
  });

  it('for bytes after the last sample, or padding bits that are not zero', () => {
    assertCorrupt(Uint8Array.from([...good, 0, 0]), /samples end at bit/, 'two extra bytes');
    assertCorrupt(Uint8Array.from([...good, 0x80]), /samples end at bit/, 'an extra non-zero byte');
    assertCorrupt(Uint8Array.of(0, 0, 0, 0), /samples end at bit/, 'an empty chunk with two bytes');
    const padded = encode([
      { t: 0, value: 0, stale: false },
      { t: 1, value: 0, stale: false },
    ]); // 2 + 1 + 8 + 1 bytes and 1 bit of v_1: 7 padding bits
    padded[padded.length - 1] = 0x01;
    assertCorrupt(padded, /samples end at bit/, 'a padding bit set');
  });

  it('for a varint longer than 10 bytes or beyond 2^53', () => {
    assertCorrupt(bytesOf('00 01', 'ff ff ff ff ff ff ff ff ff ff 01'), /longer than 10 bytes/, '11-byte varint');
    assertCorrupt(bytesOf('00 01', 'ff ff ff ff ff ff ff ff 7f', '00 00 00 00 00 00 00 00'), /beyond 2\^53/, 'huge t');
  });

  it('for a value window of more than 64 bits', () => {
    // leading 31, 40 significant bits: trailing would be −7
    assertCorrupt(
      bytesOf('00 02 00 00 00 00 00 00 00 00 00 01', 'b:1 1 11111 101000', 'b:' + '1'.repeat(40)),
      /more than 64 bits/,
      'window',
    );
  });

  it('for a delta-of-delta or a time beyond 2^53 ms', () => {
    assertCorrupt(
      bytesOf(
        '00 03 00 00 00 00 00 00 00 00 00 01',
        'b:0',
        'b:1111 01000000000000000000000000000000',
        'b:' + '0'.repeat(33),
      ),
      /timestamp step beyond/,
      'dod 2^62',
    );
    assertCorrupt(
      bytesOf(
        '00 03 00 00 00 00 00 00 00 00 00 01',
        'b:0',
        'b:1111 00000000000111111111111111111111',
        'b:' + '1'.repeat(33),
      ),
      /timestamp beyond 2\^53/,
      't past 2^53',
    );
  });
});
