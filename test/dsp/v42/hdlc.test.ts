import test from 'ava';
import { crc16Update, CRC16_GOOD, CRC16_INIT, crc32Update, CRC32_GOOD, CRC32_INIT, fcs16, fcs32 } from '../../../dsp/v42/crc.ts';
import { FLAG, HdlcReceiver, HdlcTransmitter } from '../../../dsp/v42/hdlc.ts';
import { mulberry32 } from '../../helpers/random.ts';

const rng = (seed: number): { int: (n: number) => number } => {
  const r = mulberry32(seed);
  return { int: (n) => Math.floor(r() * n) };
};

const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

test('CRC-16 check value (ISO 3309 / X.25 FCS): "123456789" → 0x906E, residue 0xF0B8', (t) => {
  t.is(fcs16(ascii('123456789')), 0x906e);
  const f = fcs16(ascii('123456789'));
  t.is(crc16Update(CRC16_INIT, [...ascii('123456789'), f & 0xff, f >> 8]), CRC16_GOOD);
});

test('CRC-32 check value (ISO 3309 32-bit FCS): "123456789" → 0xCBF43926, residue 0xDEBB20E3', (t) => {
  t.is(fcs32(ascii('123456789')), 0xcbf43926);
  const f = fcs32(ascii('123456789'));
  t.is(crc32Update(CRC32_INIT, [...ascii('123456789'), f & 0xff, (f >>> 8) & 0xff, (f >>> 16) & 0xff, f >>> 24]), CRC32_GOOD);
});

test('CRC-16 matches a bit-serial reference of the polynomial x^16+x^12+x^5+1', (t) => {
  const rnd = rng(3);
  const data = Array.from({ length: 300 }, () => rnd.int(256));
  let reg = 0xffff;
  for (const byte of data)
    for (let k = 0; k < 8; k++) {
      const fb = (reg ^ (byte >> k)) & 1;
      reg >>>= 1;
      if (fb) reg ^= 0x8408;
    }
  t.is(fcs16(data), ~reg & 0xffff);
});

function link(frames: Uint8Array[], fcsBits: 16 | 32 = 16): { bits: number[]; got: Uint8Array[]; rx: HdlcReceiver } {
  const queue = [...frames];
  const tx = new HdlcTransmitter(() => queue.shift() ?? null);
  tx.fcsBits = fcsBits;
  const got: Uint8Array[] = [];
  const rx = new HdlcReceiver((f) => got.push(f));
  rx.fcsBits = fcsBits;
  const bits: number[] = [];
  for (let i = 0; i < 40; i++) bits.push(tx.nextBit()); // idle flags first
  while (queue.length > 0 || tx.framesSent < frames.length) bits.push(tx.nextBit());
  for (let i = 0; i < 16; i++) bits.push(tx.nextBit());
  for (const b of bits) rx.putBit(b);
  return { bits, got, rx };
}

test('idle line is flags 01111110 back to back', (t) => {
  const tx = new HdlcTransmitter(() => null);
  const bits = Array.from({ length: 24 }, () => tx.nextBit());
  t.deepEqual(bits, [0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0]);
  t.is(FLAG, 0x7e);
});

test('zero-bit insertion: never six ones inside a frame; frames of all ones and flag octets come through', (t) => {
  const frames = [new Uint8Array(40).fill(0xff), new Uint8Array(30).fill(0x7e), Uint8Array.of(0x03, 0x3f, 0xfc)];
  for (const fcsBits of [16, 32] as const) {
    const { bits, got } = link(frames, fcsBits);
    t.deepEqual(got, frames);
    // Between the first and last flags, a run of six ones only occurs inside a flag (preceded and followed by 0).
    const s = bits.join('');
    t.false(/1111111/.test(s));
  }
});

test('random frames round trip with CRC-16 and CRC-32; a flipped bit loses just that frame', (t) => {
  const rnd = rng(7);
  const frames = Array.from({ length: 50 }, () => Uint8Array.from({ length: 3 + rnd.int(200) }, () => rnd.int(256)));
  for (const fcsBits of [16, 32] as const) {
    const { bits, got } = link(frames, fcsBits);
    t.deepEqual(got, frames);
    const rx2got: Uint8Array[] = [];
    const rx2 = new HdlcReceiver((f) => rx2got.push(f));
    rx2.fcsBits = fcsBits;
    const mid = Math.floor(bits.length / 2);
    bits[mid] ^= 1;
    for (const b of bits) rx2.putBit(b);
    t.true(rx2got.length >= frames.length - 2 && rx2got.length < frames.length, `${rx2got.length}`);
    t.true(rx2.stats.badFcs + rx2.stats.invalid >= 1);
    for (const f of rx2got) t.true(frames.some((g) => Buffer.compare(Buffer.from(f), Buffer.from(g)) === 0));
  }
});

test('abort: seven ones end the frame being received; the next frame is received', (t) => {
  let sent = 0;
  const frames = [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), Uint8Array.of(9, 10, 11)];
  const tx = new HdlcTransmitter(() => (sent < 2 ? frames[sent++] : null));
  const got: Uint8Array[] = [];
  const rx = new HdlcReceiver((f) => got.push(f));
  for (let i = 0; i < 30; i++) rx.putBit(tx.nextBit());
  tx.abort();
  for (let i = 0; i < 200; i++) rx.putBit(tx.nextBit());
  t.deepEqual(got, [frames[1]]);
  t.is(rx.stats.aborts, 1);
});
