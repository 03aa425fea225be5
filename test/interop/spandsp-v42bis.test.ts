/**
 * Dialtone's V.42bis against spandsp 0.0.6's, stream to stream without a modem (harness spandsp-v42bis.c): our
 * encoder's octets through spandsp's decoder, and spandsp's encoder's octets through ours, byte-exact, in every
 * mode (spandsp's and our encoders switch between transparent and compressed mode on their own), across dictionary
 * recovery, STEPUP, FLUSH at frame boundaries, N7-long strings and escape characters. The modem calls are in
 * spandsp-v42.test.ts.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { ByteRing } from '../../dsp/uart/byte-ring.ts';
import { V42bisDecoder } from '../../dsp/v42/v42bis-decoder.ts';
import { V42bisEncoder } from '../../dsp/v42/v42bis-encoder.ts';
import { ENGLISH } from '../dsp/v42/corpus.ts';
import { randomBytes } from '../helpers/random.ts';
import { mixedPayload } from './v42-payload.ts';
import { buildSpandspProgram } from './v42-peer.ts';

type Policy = 'dynamic' | 'always' | 'never';

function spandsp(args: string[], input: Uint8Array): { out: Buffer; err: string; status: number | null } {
  const r = spawnSync(buildSpandspProgram('spandsp-v42bis'), args, { input, maxBuffer: 1 << 26 });
  return { out: r.stdout, err: r.stderr.toString(), status: r.status };
}

/** Our encoder as the link drives it: up to `frame` octets per I frame, a FLUSH whenever it runs dry every `batch` characters. */
function ourEncode(data: Uint8Array, p1: number, p2: number, policy: Policy, batch: number): { octets: Buffer; switches: number } {
  const enc = new V42bisEncoder(p1, p2, policy);
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += batch) {
    for (let i = at; i < Math.min(data.length, at + batch); i++) {
      enc.put(data[i]);
      if (enc.out.length >= 128) parts.push(Buffer.from(enc.out.take(128)));
    }
    enc.flush();
    parts.push(Buffer.from(enc.out.take()));
  }
  return { octets: Buffer.concat(parts), switches: enc.switches };
}

function ourDecode(octets: Uint8Array, p1: number, p2: number): { data: Buffer; dec: V42bisDecoder } {
  const dec = new V42bisDecoder(p1, p2);
  const rx = new ByteRing(128 * 250 + 1024); // an I frame's worth of the longest strings
  const parts: Buffer[] = [];
  for (let at = 0; at < octets.length; at += 128) {
    dec.decode(octets.subarray(at, at + 128), rx);
    parts.push(Buffer.from(rx.take()));
  }
  return { data: Buffer.concat(parts), dec };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const escapes = new Uint8Array(20000).map((_, i) => (i * 51) & 0xff); // the escape character at every step
const zeros = new Uint8Array(20000);
const repeated = Buffer.concat([ENGLISH, ENGLISH, ENGLISH]).subarray(0, 80000); // strings grow to N7
const switching = Buffer.concat(Array.from({ length: 24 }, (_, k) => (k % 2 ? randomBytes(600 + 37 * k, k) : ENGLISH.subarray(k * 600, k * 600 + 900))));

const cases: { name: string; data: Uint8Array; params: [number, number][] }[] = [
  { name: '256 KiB mixed text and random', data: mixedPayload(1), params: [[2048, 32]] },
  {
    name: 'repeated English',
    data: repeated,
    params: [
      [512, 6],
      [2048, 32],
      [4096, 250],
    ],
  },
  {
    name: 'text/random switching',
    data: switching,
    params: [
      [512, 6],
      [2048, 32],
      [4096, 250],
    ],
  },
  {
    name: 'escape characters',
    data: escapes,
    params: [
      [512, 6],
      [4096, 250],
    ],
  },
  { name: 'zeros', data: zeros, params: [[2048, 32]] },
];

for (const { name, data, params } of cases) {
  for (const [p1, p2] of params) {
    test(`V.42bis ${name}, P1 ${p1} P2 ${p2}: Dialtone's encoder → spandsp's decoder, every mode`, (t) => {
      for (const policy of ['dynamic', 'always', 'never'] as const) {
        for (const batch of [97, 4096]) {
          const { octets, switches } = ourEncode(data, p1, p2, policy, batch);
          const r = spandsp(['decompress', String(p1), String(p2), '128'], octets);
          const at = firstDifference(r.out, data);
          t.is(at, -1, `${policy}, flush every ${batch}: first wrong byte ${at} of ${data.length}; ${r.err.trim()}`);
          t.is(r.status, 0);
          if (policy === 'dynamic' && name.includes('switching')) t.true(switches >= 4, `${switches} mode changes`);
        }
      }
    });
    test(`V.42bis ${name}, P1 ${p1} P2 ${p2}: spandsp's encoder → Dialtone's decoder, every mode`, (t) => {
      for (const mode of ['dynamic', 'always', 'never'] as const) {
        for (const flushEvery of [0, 100]) {
          const r = spandsp(['compress', String(p1), String(p2), mode, '64', String(flushEvery)], data);
          t.is(r.status, 0, r.err);
          const { data: got, dec } = ourDecode(r.out, p1, p2);
          const at = firstDifference(got, data);
          t.is(at, -1, `spandsp ${mode}, flush every ${flushEvery}: first wrong byte ${at} of ${data.length}`);
          t.is(dec.errors, 0);
          if (mode === 'dynamic' && name.includes('switching')) t.true(dec.switches >= 4, `${dec.switches} mode changes followed`);
        }
      }
    });
  }
}
