/**
 * A back-to-back V.22 / V.22bis link for tests and the bench: modulator → channel → demodulator, with a short
 * training preamble shaped like the handshake's (scrambled ones at 1200 bit/s, then at 2400), then N bits of the
 * O.150 2^15−1 PRBS, scrambled, counted by the same self-synchronising checker the FSK bench uses.
 */
import { Attenuation } from '../../../dsp/channel/attenuation.ts';
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { FrequencyOffset } from '../../../dsp/channel/frequency-offset.ts';
import { ChannelChain, type ChannelStage } from '../../../dsp/channel/stage.ts';
import { FRAME_SAMPLES } from '../../../dsp/q15.ts';
import { V22Demodulator } from '../../../dsp/qam/v22-demodulator.ts';
import { V22bisEncoder, V22_Q34 } from '../../../dsp/qam/v22-constellation.ts';
import { HIGH_CHANNEL_HZ, LOW_CHANNEL_HZ, V22Modulator } from '../../../dsp/qam/v22-modulator.ts';
import { V22Descrambler, V22Scrambler } from '../../../dsp/scrambler.ts';
import { V22bisDataPump, type V22bisPumpOptions } from '../../../dsp/qam/v22bis-pump.ts';
import { BerChecker, Prbs15, type BerResult } from '../../bench/fsk-ber.ts';
import { PumpPair } from '../../helpers/pump-pair.ts';

export interface LinkOptions {
  rate: 1200 | 2400;
  snrDb?: number;
  offsetHz?: number;
  bits: number;
  seed?: number;
  /** Transmit level, dBm0 (default −10). */
  levelDbm0?: number;
  /** Which channel carries the data (default the answerer's, 2400 Hz). */
  carrierHz?: number;
  /** Extra channel stages before the loss and the noise. */
  stages?: ChannelStage[];
  /** Line loss, dB; the SNR refers to the level after it. */
  lossDb?: number;
}

export interface LinkResult extends BerResult {
  mseDb: number;
  offsetEstimateHz: number;
  agcGainDb: number;
  levelDbm0: number;
}

const TRAIN_1200_SYMBOLS = 600; // 1 s of scrambled ones at 1200 bit/s
const TRAIN_2400_SYMBOLS = 300;

export function runLink(o: LinkOptions): LinkResult {
  const level = o.levelDbm0 ?? -10;
  const carrierHz = o.carrierHz ?? HIGH_CHANNEL_HZ;
  const mod = new V22Modulator({ carrierHz, levelDbm0: level });
  const demod = new V22Demodulator({ carrierHz });
  const stages: ChannelStage[] = [...(o.stages ?? [])];
  if (o.offsetHz) stages.push(new FrequencyOffset(o.offsetHz));
  if (o.lossDb) stages.push(new Attenuation(o.lossDb));
  if (o.snrDb !== undefined) stages.push(new Awgn({ snrDb: o.snrDb, signalDbm0: level - (o.lossDb ?? 0), seed: o.seed ?? 1 }));
  const channel = new ChannelChain(stages);
  const scrambler = new V22Scrambler();
  const encoder = new V22bisEncoder();
  const prbs = new Prbs15();
  const bitsPerSymbol = o.rate === 2400 ? 4 : 2;
  const dataSymbols = Math.ceil(o.bits / bitsPerSymbol);
  let sent = 0;
  const source = {
    nextSymbol(): number {
      const i = sent++;
      const data = i >= TRAIN_1200_SYMBOLS + TRAIN_2400_SYMBOLS && i < TRAIN_1200_SYMBOLS + TRAIN_2400_SYMBOLS + dataSymbols;
      const bit = (): number => scrambler.scramble(data ? prbs.next() : 1);
      const q12 = (bit() << 1) | bit();
      const wide = o.rate === 2400 && i >= TRAIN_1200_SYMBOLS;
      const q34 = wide ? (bit() << 1) | bit() : V22_Q34;
      return encoder.encode(q12, q34);
    },
  };
  const descrambler = new V22Descrambler();
  const checker = new BerChecker(o.bits);
  let received = 0;
  const buf = new Int16Array(FRAME_SAMPLES);
  const totalSymbols = TRAIN_1200_SYMBOLS + TRAIN_2400_SYMBOLS + dataSymbols + 60;
  while (sent < totalSymbols) {
    mod.process(buf, FRAME_SAMPLES, source);
    channel.process(buf, FRAME_SAMPLES);
    demod.process(buf, FRAME_SAMPLES);
    for (let k = 0; k < demod.symbolCount; k++) {
      const s = demod.symbols[k];
      const r = received++;
      // The receiver follows the transmitter's schedule, a few symbols late (filters and equaliser delay).
      if (r === 40) demod.adapt = 'train';
      // V.22bis §6.3.1.1.1 d): 16-way decisions may start 150 ms before the far end changes to 2400 bit/s.
      if (o.rate === 2400 && r === TRAIN_1200_SYMBOLS - 90) demod.sixteen = true;
      if (r === TRAIN_1200_SYMBOLS + TRAIN_2400_SYMBOLS) {
        demod.adapt = 'track';
        demod.setAgcSlow(true);
      }
      const wide = demod.sixteen;
      const q12 = s >> 2;
      const out = (b: number): void => {
        const d = descrambler.descramble(b);
        if (r >= TRAIN_1200_SYMBOLS + TRAIN_2400_SYMBOLS) checker.putBit(d);
      };
      out(q12 >> 1);
      out(q12 & 1);
      if (wide) {
        out((s >> 1) & 1);
        out(s & 1);
      }
    }
  }
  return { ...checker.result(), mseDb: demod.mseDb, offsetEstimateHz: demod.carrierOffsetHz, agcGainDb: demod.agcGainDb, levelDbm0: demod.levelDbm0 };
}

export { LOW_CHANNEL_HZ, HIGH_CHANNEL_HZ };

/**
 * Group-delay distortion for tests (a float model, as test channel models may be): two second-order all-pass
 * sections with poles at 500 Hz and 3200 Hz (radius 0.9), about 2.4 ms of extra delay at the band edges against
 * 0.3 ms mid-band, the shape of a long loaded line (ITU-T M.1020 allows 3 ms at 600 Hz). Flat in amplitude.
 */
export class GroupDelayDistortion implements ChannelStage {
  private readonly sections: { a1: number; a2: number; x1: number; x2: number; y1: number; y2: number }[];

  constructor(poles: readonly number[] = [500, 3200], radius = 0.9) {
    this.sections = poles.map((hz) => ({ a1: -2 * radius * Math.cos((2 * Math.PI * hz) / 8000), a2: radius * radius, x1: 0, x2: 0, y1: 0, y2: 0 }));
  }

  process(buf: Int16Array, n: number): void {
    for (let i = 0; i < n; i++) {
      let v = buf[i];
      for (const s of this.sections) {
        const y = s.a2 * v + s.a1 * s.x1 + s.x2 - s.a1 * s.y1 - s.a2 * s.y2;
        s.x2 = s.x1;
        s.x1 = v;
        s.y2 = s.y1;
        s.y1 = y;
        v = y;
      }
      buf[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
    }
  }
}

export interface ConnectResult {
  /** Rate both ends reached, 0 when the call did not connect within the time. */
  rate: number;
  connectSeconds: number;
  /** 300 bytes each way arrived exactly. */
  clean: boolean;
}

/** One call between two V22bisDataPumps through `line()` each way (fresh stages per direction), 12 s of line. */
export function connectCall(
  line: (direction: number) => ChannelStage[],
  seed: number,
  opts: { caller?: V22bisPumpOptions; answerer?: V22bisPumpOptions } = {},
): ConnectResult {
  const c = new V22bisDataPump('caller', opts.caller);
  const a = new V22bisDataPump('answerer', opts.answerer);
  const ab = new ChannelChain(line(0));
  const ba = new ChannelChain(line(1));
  const pair = new PumpPair(c, a, ab, ba);
  const sent = new Uint8Array(300);
  for (let i = 0, s = seed >>> 0; i < sent.length; i++) sent[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  let connectedAt = -1;
  const got = [0, 0];
  const ok = [0, 0];
  for (let f = 0; f < 50 * 12; f++) {
    pair.step();
    if (connectedAt < 0 && c.state === 'connected' && a.state === 'connected') {
      c.tx.queue.write(sent);
      a.tx.queue.write(sent);
      connectedAt = f;
    }
    [c, a].forEach((p, k) => {
      for (let b = p.rx.shift(); b >= 0; b = p.rx.shift()) if (sent[got[k]++] === b) ok[k]++;
    });
  }
  const up = c.state === 'connected' && a.state === 'connected';
  return {
    rate: up ? Math.min(c.connectRate, a.connectRate) : 0,
    connectSeconds: connectedAt / 50,
    clean: got[0] === sent.length && got[1] === sent.length && ok[0] === sent.length && ok[1] === sent.length,
  };
}
