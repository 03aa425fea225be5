import test from 'ava';
import { ByteRing } from '../../../dsp/uart/byte-ring.ts';
import { V42bisDecoder } from '../../../dsp/v42/v42bis-decoder.ts';
import { N5, V42bisDictionary, V42bisMatcher } from '../../../dsp/v42/v42bis-dictionary.ts';
import { V42bisEncoder } from '../../../dsp/v42/v42bis-encoder.ts';
import { randomBytes } from '../../helpers/random.ts';
import { ENGLISH } from './corpus.ts';

/** Encode `data` in chunks (flushing at each chunk's end, as an idle link does) and decode it again. */
function roundTrip(data: Uint8Array, p1: number, p2: number, chunk = 4096, policy: 'dynamic' | 'always' | 'never' = 'dynamic') {
  const enc = new V42bisEncoder(p1, p2, policy);
  const dec = new V42bisDecoder(p1, p2);
  const rx = new ByteRing(data.length + 16);
  let line = 0;
  for (let at = 0; at < data.length; at += chunk) {
    for (let i = at; i < Math.min(data.length, at + chunk); i++) {
      enc.put(data[i]);
      if (enc.out.length > 4000) {
        const o = enc.out.take();
        line += o.length;
        dec.decode(o, rx);
      }
    }
    enc.flush();
    const o = enc.out.take();
    line += o.length;
    dec.decode(o, rx);
  }
  return { out: rx.take(), line, enc, dec };
}

test('dictionary: characters are codewords 3..258, strings learned from 259 (N5), spelled back', (t) => {
  const d = new V42bisDictionary(512, 6);
  const m = new V42bisMatcher(d);
  t.is(m.feed(0x41), -1);
  t.is(m.feed(0x42), 0x41 + 3); // "A" out, "AB" learned
  t.is(d.child(0x41 + 3, 0x42), N5);
  const buf = new Uint8Array(8);
  t.is(d.spell(N5, buf, 0), 2);
  t.deepEqual([...buf.subarray(0, 2)], [0x41, 0x42]);
});

test('dictionary: a string is never longer than P2, and a full dictionary reuses leaves', (t) => {
  const d = new V42bisDictionary(512, 6);
  const m = new V42bisMatcher(d);
  for (let i = 0; i < 3000; i++) m.feed(ENGLISH[i % 200]);
  let maxDepth = 0;
  for (let k = N5; k < 512; k++) maxDepth = Math.max(maxDepth, d.depth[k]);
  t.is(maxDepth, 6);
  const data = randomBytes(20000, 4);
  for (const c of data) m.feed(c & 0x0f);
  for (let k = N5; k < 512; k++) if (d.parent[k] >= 0) t.is(d.child(d.parent[k], d.char[k]), k);
});

test('English text round trips with P1 = 512/2048/4096 and compresses', (t) => {
  for (const p1 of [512, 2048, 4096]) {
    const { out, line } = roundTrip(ENGLISH, p1, 32);
    t.deepEqual(Buffer.from(out), Buffer.from(ENGLISH));
    t.log(`P1=${p1} P2=32: ratio ${(ENGLISH.length / line).toFixed(2)}`);
    t.true(ENGLISH.length / line > 1.5);
  }
});

test('random data round trips and stays transparent (expansion under 1%)', (t) => {
  const data = randomBytes(100_000, 9);
  const { out, line, enc } = roundTrip(data, 2048, 32);
  t.deepEqual(out, data);
  t.true(line / data.length < 1.01, `${line}`);
  t.is(enc.mode, 'transparent');
});

test('mixed text and random with mode switches, escapes, flushes and STEPUP round trip', (t) => {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 6; i++) {
    parts.push(ENGLISH.subarray(i * 4000, i * 4000 + 5000));
    parts.push(randomBytes(3000, i));
    parts.push(new Uint8Array(500)); // zeros: the initial escape character, many times
  }
  const data = Buffer.concat(parts);
  for (const [p1, p2, chunk] of [
    [512, 6, 100],
    [2048, 32, 777],
    [4096, 250, 4096],
  ]) {
    const { out, enc, dec } = roundTrip(data, p1, p2, chunk);
    t.deepEqual(Buffer.from(out), data);
    t.true(enc.switches >= 2);
    t.is(dec.errors, 0);
  }
  for (const policy of ['always', 'never'] as const) t.deepEqual(Buffer.from(roundTrip(data, 1024, 16, 300, policy).out), data);
});

test('§6.5: C1 is always an empty entry; when full, the next leaf after it (cycling from N5) is deleted at once', (t) => {
  const d = new V42bisDictionary(512, 6);
  const m = new V42bisMatcher(d);
  const text = Buffer.concat([ENGLISH.subarray(0, 6000), randomBytes(3000, 7)]);
  let previous = d.c1;
  let recycled = 0;
  for (const c of text) {
    const parents = d.parent.slice();
    m.feed(c);
    if (d.c1 === previous) continue;
    t.false(d.valid(d.c1), 'C1 names no string');
    t.is(d.firstChild[d.c1], -1);
    // every entry strictly between the previous C1 and the new one (cyclically) was a prefix of another string
    // (the deleted leaf's parent may be a leaf now)
    for (let k = previous + 1 === 512 ? 259 : previous + 1; k !== d.c1; k = k + 1 === 512 ? 259 : k + 1)
      t.true(d.firstChild[k] >= 0 || k === parents[d.c1], `entry ${k}`);
    if (d.c1 < previous) recycled++;
    previous = d.c1;
  }
  t.true(recycled > 3, `${recycled} passes over the dictionary`);
});

test('§6.3 b: the entry created last is not used by the next string (KwKwK), then it is', (t) => {
  const d = new V42bisDictionary(512, 32);
  const m = new V42bisMatcher(d);
  const a = 0x61 + 3;
  const out = [...'aaaaaaa'].map((c) => m.feed(c.charCodeAt(0))).filter((cw) => cw >= 0);
  // a | a ("aa" just made) | aa ("aaa" made) | aa ("aaa" just made) ...
  t.deepEqual(out, [a, a, N5, N5]);
  t.is(d.child(N5, 0x61), N5 + 1);
});

test('§6.4: a string of N7 characters is sent as soon as it is complete and nothing longer is learned', (t) => {
  const d = new V42bisDictionary(512, 6);
  const m = new V42bisMatcher(d);
  const out: number[] = [];
  for (let i = 0; i < 200; i++) {
    const cw = m.feed(0x20);
    if (cw >= 0) out.push(d.depth[cw]);
  }
  t.is(Math.max(...out), 6);
  for (let k = N5; k < 512; k++) t.true(d.depth[k] <= 6);
  t.true(out.slice(-5).every((n) => n === 6));
});

test('FLUSH ends the string but not the learning: it is extended by the next character, as the decoder does', (t) => {
  const d = new V42bisDictionary(512, 6);
  const m = new V42bisMatcher(d);
  m.feed(0x41);
  m.feed(0x42);
  t.is(m.end(), 0x42 + 3);
  m.feed(0x43);
  t.true(d.child(0x42 + 3, 0x43) >= N5, '"BC" learned across the flush');
});

test('the escape character also moves on when it occurs in compressed mode (decoder follows ETM)', (t) => {
  // ESC ECM; codeword 3 (the character 0x00, the escape character: now 51); ETM; pad; then 0x00 in transparent mode,
  // which is data because the escape character has moved on.
  const dec = new V42bisDecoder(512, 6);
  const rx = new ByteRing(16);
  dec.decode(Uint8Array.from([0x00, 0x00, 0x03, 0x00, 0x00, 0x00]), rx);
  t.deepEqual([...rx.take()], [0, 0]);
  t.is(dec.errors, 0);
  t.is(dec.switches, 2);
});
