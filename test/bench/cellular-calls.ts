/**
 * One call of the cellular benchmark (test/bench/cases/45-cellular.ts) through a channel chain, between two
 * Dialtone data pumps (in process) or two spandsp 0.0.6 peers (test/interop/spandsp-modem.c in lock step): did it
 * connect, and what became of the payload after connect.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainSpec } from '../../config/chain.ts';
import { createDataPump, type Modulation } from '../../dsp/pump-factory.ts';
import type { DataPump } from '../../dsp/pump.ts';
import { buildCallChannels, type CallChannels, type CodecFactory } from '../../hal/line/channel-chain.ts';
import { PumpPair } from '../helpers/pump-pair.ts';
import { randomBytes } from '../helpers/random.ts';
import { runLockstep, spandspPeer, spandspQamPeer, type SpandspFamily } from '../interop/spandsp.ts';

export type BenchModulation = Exclude<Modulation, 'auto'>;

/** Data rate of each direction once connected: [caller → answerer, answerer → caller], bit/s on the line. */
export const RATES: Record<BenchModulation, [number, number]> = {
  v21: [300, 300],
  bell103: [300, 300],
  v23: [75, 1200],
  bell202: [0, 1200], // half duplex: the benchmark sends one way, answerer to caller
  v22: [1200, 1200],
  bell212a: [1200, 1200],
  v22bis: [2400, 2400],
};

/** How the payload of one call is split: bytes each way (V.23's 75 bit/s backward channel and Bell 202 carry none). */
export function payloadSplit(m: BenchModulation, bytes: number): { toAnswerer: number; toCaller: number } {
  const [up, down] = RATES[m];
  if (up === 0 || up < down / 4) return { toAnswerer: 0, toCaller: bytes };
  return { toAnswerer: Math.ceil(bytes / 2), toCaller: Math.ceil(bytes / 2) };
}

export interface ErrorCount {
  /** Bits wrong in characters that arrived, plus 8 for each character lost or inserted. */
  bitErrors: number;
  /** Characters wrong, lost or inserted. */
  byteErrors: number;
}

function popcount8(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

const RESYNC_WINDOW = 4; // characters that must agree after a slip: a chance match is 2^-32 on random data
const RESYNC_REACH = 32; // characters lost or inserted at one place, at most, before it counts as substitutions

function agree(a: Uint8Array, i: number, b: Uint8Array, j: number): boolean {
  if (i + RESYNC_WINDOW > a.length || j + RESYNC_WINDOW > b.length) return false;
  for (let k = 0; k < RESYNC_WINDOW; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/**
 * Compares what arrived with what was sent, character by character, re-aligning after characters lost (a start
 * bit missed) or inserted (a noise burst taken for one): the counts an async link's user would see, up to the
 * payload's last character.
 */
export function countErrors(sent: Uint8Array, got: Uint8Array): ErrorCount {
  let i = 0;
  let j = 0;
  let bitErrors = 0;
  let byteErrors = 0;
  while (i < sent.length && j < got.length) {
    if (sent[i] === got[j]) {
      i++;
      j++;
      continue;
    }
    let slipped = false;
    for (let k = 1; k <= RESYNC_REACH && !slipped; k++) {
      if (agree(sent, i + k, got, j)) {
        byteErrors += k; // k lost
        bitErrors += 8 * k;
        i += k;
        slipped = true;
      } else if (agree(sent, i, got, j + k)) {
        byteErrors += k; // k inserted
        bitErrors += 8 * k;
        j += k;
        slipped = true;
      }
    }
    if (slipped) continue;
    byteErrors++;
    bitErrors += popcount8(sent[i] ^ got[j]);
    i++;
    j++;
  }
  // Characters after the whole payload are the call's end (a receiver taking the carrier's drop for a start bit,
  // as spandsp's does): not counted. Payload characters that never came are.
  const rest = sent.length - i;
  return { bitErrors: bitErrors + 8 * rest, byteErrors: byteErrors + rest };
}

export interface CallOutcome {
  connected: boolean;
  /** Payload bits offered after connect (0 when the call did not connect). */
  bits: number;
  bitErrors: number;
  byteErrors: number;
  /** Seconds of line time to CONNECT (both ends), null when it did not. */
  connectSeconds: number | null;
  /** The lower of the two ends' CONNECT rates (V.22bis may fall back to 1200); null when not reported. */
  rate: number | null;
}

/** Line time allowed for the handshake, and for the payload after it (beyond its own time on the line). */
const HANDSHAKE_SECONDS = 20;
const TAIL_SECONDS = 4;

/** Line time for the payload; V.22bis is given the time 1200 bit/s needs, so that a call that fell back can finish. */
function lineSecondsFor(m: BenchModulation, split: { toAnswerer: number; toCaller: number }): number {
  const [up, down] = m === 'v22bis' ? [1200, 1200] : RATES[m];
  const t = Math.max(up ? (split.toAnswerer * 10) / up : 0, down ? (split.toCaller * 10) / down : 0);
  return 1.15 * t + TAIL_SECONDS;
}

export function channelsFor(spec: ChainSpec, seed: number, createCodec: CodecFactory): CallChannels {
  return buildCallChannels(spec, { dialtoneCalled: true, seed, createCodec });
}

/** Two Dialtone pumps, caller at the chain's Dialtone end, through `channels`. */
export function dialtoneCall(m: BenchModulation, channels: CallChannels, bytes: number, seed: number): CallOutcome {
  const settings = { txLevelDbm0: -10, carrierDetectMs: 100, carrierLossMs: 1500 };
  const caller: DataPump = createDataPump(m, 'caller', settings);
  const answerer: DataPump = createDataPump(m, 'answerer', settings);
  const pair = new PumpPair(caller, answerer, channels.fromDialtone, channels.toDialtone);
  let frames = 0;
  while (frames < HANDSHAKE_SECONDS * 50 && !(caller.state === 'connected' && answerer.state === 'connected')) {
    pair.step();
    frames++;
  }
  if (!(caller.state === 'connected' && answerer.state === 'connected')) return { connected: false, bits: 0, bitErrors: 0, byteErrors: 0, connectSeconds: null, rate: null };
  const rate = Math.min(caller.connectRate, answerer.connectRate);
  const connectSeconds = frames / 50;
  const split = payloadSplit(m, bytes);
  const toAnswerer = randomBytes(split.toAnswerer, seed);
  const toCaller = randomBytes(split.toCaller, seed + 1);
  const gotByAnswerer: number[] = [];
  const gotByCaller: number[] = [];
  let qa = 0;
  let qc = 0;
  const limit = Math.ceil(lineSecondsFor(m, split) * 50);
  for (let f = 0; f < limit; f++) {
    if (qa < toAnswerer.length) qa += caller.tx.queue.write(toAnswerer.subarray(qa));
    if (qc < toCaller.length) qc += answerer.tx.queue.write(toCaller.subarray(qc));
    pair.step();
    for (const b of answerer.rx.take()) gotByAnswerer.push(b);
    for (const b of caller.rx.take()) gotByCaller.push(b);
    if (gotByAnswerer.length >= toAnswerer.length && gotByCaller.length >= toCaller.length && qa === toAnswerer.length && qc === toCaller.length) {
      // Everything is in: a few frames more for stray characters after it.
      for (let k = 0; k < 10; k++) pair.step();
      for (const b of answerer.rx.take()) gotByAnswerer.push(b);
      for (const b of caller.rx.take()) gotByCaller.push(b);
      break;
    }
  }
  const a = countErrors(toAnswerer, Uint8Array.from(gotByAnswerer));
  const c = countErrors(toCaller, Uint8Array.from(gotByCaller));
  return { connected: true, bits: 8 * (toAnswerer.length + toCaller.length), bitErrors: a.bitErrors + c.bitErrors, byteErrors: a.byteErrors + c.byteErrors, connectSeconds, rate };
}

/** spandsp's modems for `m` (null: spandsp 0.0.6 has none, as for Bell 212A). */
export function spandspHas(m: BenchModulation): boolean {
  return m !== 'bell212a';
}

/** Two spandsp peers in lock step, caller at the chain's Dialtone end, through `channels`. */
export async function spandspCall(m: BenchModulation, channels: CallChannels, bytes: number, seed: number): Promise<CallOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-bench-cellular-'));
  try {
    const split = payloadSplit(m, bytes);
    const toAnswerer = randomBytes(split.toAnswerer, seed);
    const toCaller = randomBytes(split.toCaller, seed + 1);
    const f = (n: string): string => join(dir, n);
    writeFileSync(f('caller.send'), toAnswerer);
    writeFileSync(f('answerer.send'), toCaller);
    writeFileSync(f('caller.recv'), '');
    writeFileSync(f('answerer.recv'), '');
    const seconds = HANDSHAKE_SECONDS + lineSecondsFor(m, split);
    const peer = (role: 'caller' | 'answerer'): ReturnType<typeof spandspPeer> => {
      const o = {
        role,
        send: f(`${role}.send`),
        recv: f(`${role}.recv`),
        expect: role === 'caller' ? toCaller.length : toAnswerer.length,
        maxSeconds: seconds,
        verbose: true,
      };
      return m === 'v22' || m === 'v22bis' ? spandspQamPeer({ modem: m, ...o }) : spandspPeer({ modem: m as SpandspFamily, ...o });
    };
    const r = await runLockstep(peer('caller'), peer('answerer'), {
      maxLineSeconds: seconds,
      aToB: (fr) => channels.fromDialtone.process(fr, fr.length),
      bToA: (fr) => channels.toDialtone.process(fr, fr.length),
    });
    // The peers' --verbose log: "  5.10 s  CONNECT 1200" (the QAM peer gives its rate, the FSK peer none).
    const connectOf = (log: string): { at: number; rate: number | null } | null => {
      const hit = /^\s*([0-9.]+) s {2}CONNECT(?: (\d+))?/m.exec(log);
      return hit ? { at: Number(hit[1]), rate: hit[2] ? Number(hit[2]) : null } : null;
    };
    const ca = connectOf(r.a.stderr);
    const cb = connectOf(r.b.stderr);
    if (ca === null || cb === null) return { connected: false, bits: 0, bitErrors: 0, byteErrors: 0, connectSeconds: null, rate: null };
    const rate = ca.rate !== null && cb.rate !== null ? Math.min(ca.rate, cb.rate) : null;
    const a = countErrors(toAnswerer, readFileSync(f('answerer.recv')));
    const c = countErrors(toCaller, readFileSync(f('caller.recv')));
    return { connected: true, bits: 8 * (toAnswerer.length + toCaller.length), bitErrors: a.bitErrors + c.bitErrors, byteErrors: a.byteErrors + c.byteErrors, connectSeconds: Math.max(ca.at, cb.at), rate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
