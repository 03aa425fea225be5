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
import { BerChecker, Prbs15, type BerResult } from '../../bench/fsk-ber.ts';

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
