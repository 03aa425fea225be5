/**
 * Two V.22bis pumps, each optionally wrapped by V.42 (V42DataPump), joined frame by frame through a line model each
 * way, with optional noise bursts. Each side sends its data as fast as the link takes it; the result says what each
 * side received, when, and the link statistics. Used by the V.42 tests and the bench case.
 */
import { lineModel, type LineModelOptions } from '../../../dsp/channel/line-model.ts';
import { NoiseBursts } from '../../../dsp/channel/noise-bursts.ts';
import { ChannelChain, type ChannelStage } from '../../../dsp/channel/stage.ts';
import type { DataPump } from '../../../dsp/pump.ts';
import { V22bisDataPump } from '../../../dsp/qam/v22bis-pump.ts';
import { V42DataPump, type V42Options } from '../../../dsp/v42/v42-pump.ts';
import { PumpPair } from '../../helpers/pump-pair.ts';

export interface V42CallOptions {
  /** V.42 settings of each end; null: a plain modem without V.42. */
  caller: V42Options | null;
  answerer: V42Options | null;
  maxRate?: 1200 | 2400;
  line?: LineModelOptions;
  /** Noise bursts on both directions (ms, dB). */
  bursts?: { periodMs: number; burstMs: number; snrDb: number };
  /** Data each way: caller → answerer, answerer → caller. */
  toAnswerer: Uint8Array;
  toCaller: Uint8Array;
  /** Line time limit, seconds; the call also ends once both sides have all their data. */
  seconds: number;
  /** Line time (s) at which the caller hangs up cleanly (V42DataPump.disconnect), if at all. */
  hangupAtS?: number;
}

export interface V42CallSide {
  pump: DataPump;
  got: Uint8Array;
  connectedAtS: number;
  /** Line time when the last byte arrived (s). */
  doneAtS: number;
  /** With hangupAtS: line time when the caller's link was released (DISC answered or T401 passed). */
  releasedAtS?: number;
}

export interface V42CallResult {
  caller: V42CallSide;
  answerer: V42CallSide;
  seconds: number;
}

function wrap(role: 'caller' | 'answerer', maxRate: 1200 | 2400, o: V42Options | null): DataPump {
  const p = new V22bisDataPump(role, { maxRate, answerToneMs: role === 'answerer' ? 1000 : undefined, carrierLossMs: 3000 });
  return o ? new V42DataPump(p, o) : p;
}

class Side {
  got: Uint8Array;
  n = 0;
  sent = 0;
  connectedAtS = NaN;
  doneAtS = NaN;

  constructor(
    readonly pump: DataPump,
    private readonly data: Uint8Array,
    expect: number,
  ) {
    this.got = new Uint8Array(expect + 65536);
  }

  step(f: number, expect: number): void {
    const p = this.pump;
    if (p.state === 'connected' && Number.isNaN(this.connectedAtS)) this.connectedAtS = f / 50;
    if (p.state === 'connected' && this.sent < this.data.length && p.tx.queue.free > 0)
      this.sent += p.tx.queue.write(this.data, this.sent, Math.min(this.data.length, this.sent + p.tx.queue.free));
    while (p.state === 'connected' && p.rx.length > 0) {
      const b = p.rx.shift();
      if (this.n < this.got.length) this.got[this.n] = b;
      this.n++;
    }
    if (this.n >= expect && Number.isNaN(this.doneAtS)) this.doneAtS = f / 50;
  }
}

export function runV42Call(o: V42CallOptions): V42CallResult {
  const maxRate = o.maxRate ?? 2400;
  const c = new Side(wrap('caller', maxRate, o.caller), o.toAnswerer, o.toCaller.length);
  const a = new Side(wrap('answerer', maxRate, o.answerer), o.toCaller, o.toAnswerer.length);
  const chain = (seed: number): ChannelChain => {
    const stages: ChannelStage[] = [lineModel({ ...o.line, seed })];
    if (o.bursts) stages.push(new NoiseBursts({ ...o.bursts, signalDbm0: -10 - (o.line?.attenuationDb ?? 0), seed: seed + 10 }));
    return new ChannelChain(stages);
  };
  const ab = chain(3);
  const ba = chain(4);
  const pair = new PumpPair(c.pump, a.pump, ab, ba);
  const frames = o.seconds * 50;
  let f = 0;
  let settle = 50; // a second more once all seems through (a modem without V.42 adds characters of its own)
  let releasedAtS: number | undefined;
  for (; f < frames; f++) {
    if (o.hangupAtS !== undefined && f === o.hangupAtS * 50) (c.pump as V42DataPump).disconnect();
    if (o.hangupAtS !== undefined && f > o.hangupAtS * 50 && releasedAtS === undefined && (c.pump as V42DataPump).released) releasedAtS = f / 50;
    pair.step();
    c.step(f, o.toCaller.length);
    a.step(f, o.toAnswerer.length);
    if (c.pump.state === 'carrier-lost' || a.pump.state === 'carrier-lost') {
      if (releasedAtS === undefined && o.hangupAtS !== undefined && (c.pump as V42DataPump).released) releasedAtS = (f + 1) / 50;
      break;
    }
    const hungUp = o.hangupAtS === undefined || releasedAtS !== undefined;
    if (hungUp && c.n >= o.toCaller.length && a.n >= o.toAnswerer.length && !c.pump.tx.busy && !a.pump.tx.busy && --settle === 0) break;
  }
  const side = (s: Side): V42CallSide => ({
    pump: s.pump,
    got: s.got.subarray(0, Math.min(s.n, s.got.length)),
    connectedAtS: s.connectedAtS,
    doneAtS: s.doneAtS,
  });
  return { caller: { ...side(c), releasedAtS }, answerer: side(a), seconds: f / 50 };
}

/** Bytes lost and duplicated in `got` against `sent` (order kept: the longest common prefix, then what is left). */
export function compareStreams(sent: Uint8Array, got: Uint8Array): { lost: number; duplicated: number; exact: boolean } {
  const exact = sent.length === got.length && Buffer.compare(Buffer.from(sent), Buffer.from(got)) === 0;
  if (exact) return { lost: 0, duplicated: 0, exact };
  let i = 0;
  while (i < sent.length && i < got.length && sent[i] === got[i]) i++;
  return { lost: Math.max(0, sent.length - got.length) || (i < sent.length ? sent.length - i : 0), duplicated: Math.max(0, got.length - sent.length), exact };
}
