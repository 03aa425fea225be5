/**
 * The three-bit sequence detector (dsp/fsk/sequence-detector.ts) against a float reference that forms all eight
 * bit patterns' coherent sums directly from the definition: Z = Σ_j C_j(a_j)·e^{−j(ψ_j − ψ_0)}, with
 * C_j(f) = Σ_{n∈W_j} x(n)·e^{−j·2πf·n/8000} and ψ_j − ψ_{j−1} = 2π(f_{a_{j−1}} − f_{a_j})·b_j/8000 (CPFSK: the phase
 * is continuous at each boundary b_j); the middle bit is that of the pattern with the largest |Z|.
 */
import test from 'ava';
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { FskDemodulator } from '../../../dsp/fsk/fsk-demodulator.ts';
import { FskModulator } from '../../../dsp/fsk/fsk-modulator.ts';
import { FSK_CHANNELS } from '../../../dsp/fsk/specs.ts';
import type { FskChannel } from '../../../dsp/fsk/specs.ts';

/** Float reference: the middle bit of three windows [b0, b1), [b1, b2), [b2, b3). */
function referenceDecision(x: Int16Array, ch: FskChannel, b: readonly number[]): number {
  const corr = (hz: number, from: number, to: number): [number, number] => {
    let re = 0;
    let im = 0;
    for (let n = from; n < to; n++) {
      re += x[n] * Math.cos((2 * Math.PI * hz * n) / 8000);
      im -= x[n] * Math.sin((2 * Math.PI * hz * n) / 8000);
    }
    return [re, im];
  };
  const freq = (a: number): number => (a ? ch.markHz : ch.spaceHz);
  const best = [-1, -1];
  for (let pattern = 0; pattern < 8; pattern++) {
    let re = 0;
    let im = 0;
    let psi = 0;
    for (let j = 0; j < 3; j++) {
      const a = (pattern >> j) & 1;
      if (j > 0) psi += (2 * Math.PI * (freq((pattern >> (j - 1)) & 1) - freq(a)) * b[j]) / 8000;
      const [cr, ci] = corr(freq(a), b[j], b[j + 1]);
      re += cr * Math.cos(psi) + ci * Math.sin(psi);
      im += ci * Math.cos(psi) - cr * Math.sin(psi);
    }
    const middle = (pattern >> 1) & 1;
    best[middle] = Math.max(best[middle], re * re + im * im);
  }
  return best[1] > best[0] ? 1 : 0;
}

for (const [name, snr] of [
  ['v21ch1', 0],
  ['bell103ch2', 0],
  ['v23ch1', 5],
  ['bell202', 5],
] as const) {
  test(`${name} at ${snr} dB: fixed-point sequence decisions agree with the float reference and beat one-bit decisions`, (t) => {
    const ch = FSK_CHANNELS[name];
    const spb = 8000 / ch.baud;
    const spbQ16 = Math.round(spb * 65536);
    const bits = 3000;
    let k = 0;
    let seed = 7;
    const sent = new Uint8Array(bits + 8);
    const source = {
      nextBit: (): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const bit = k < bits ? (seed >>> 16) & 1 : 1;
        sent[k++] = bit;
        return bit;
      },
    };
    const total = Math.ceil((bits + 4) * spb);
    const x = new Int16Array(total);
    new FskModulator(ch, -10).process(x, total, source);
    new Awgn({ snrDb: snr, signalDbm0: -10, seed: 3 }).process(x, total);
    const demod = new FskDemodulator(ch, { maxBlock: 512, delay: total });
    for (let done = 0; done < total; done += 512) demod.process(x.subarray(done), Math.min(512, total - done));
    // Bit k starts at the first sample ≥ k·spb (the modulator's Q16 clock): the exact boundaries.
    const start = (i: number): number => Math.ceil((i * spbQ16) / 65536);
    let agree = 0;
    let errFixed = 0;
    let errRef = 0;
    let errOneBit = 0;
    let compared = 0;
    for (let i = 1; i + 2 < bits; i++) {
      // Three windows of one bit period ending where bit i + 2 starts, each boundary rounded to a sample as the
      // detector rounds it (within a sample of the modulator's own boundaries).
      const end = start(i + 2);
      const b = [3, 2, 1, 0].map((j) => end + ((-j * spbQ16 + 0x8000) >> 16));
      const fixed = demod.decideBit(end, 0, spbQ16);
      const ref = referenceDecision(x, ch, b);
      // The one-bit comparison over the same window, from the float correlations.
      const one = referenceOneBit(x, ch, start(i), start(i + 1));
      compared++;
      if (fixed === ref) agree++;
      if (fixed !== sent[i]) errFixed++;
      if (ref !== sent[i]) errRef++;
      if (one !== sent[i]) errOneBit++;
    }
    t.log(`${compared} bits: fixed ${errFixed} errors, float reference ${errRef}, one-bit ${errOneBit}; agreement ${agree}`);
    t.true(agree >= compared - 3, `fixed point and float disagree on ${compared - agree} of ${compared}`);
    t.true(errFixed <= errRef + 2);
    t.true(errFixed * 4 < errOneBit, 'the sequence decision makes a quarter of the one-bit errors or fewer');
  });
}

function referenceOneBit(x: Int16Array, ch: FskChannel, from: number, to: number): number {
  const energy = (hz: number): number => {
    let re = 0;
    let im = 0;
    for (let n = from; n < to; n++) {
      re += x[n] * Math.cos((2 * Math.PI * hz * n) / 8000);
      im += x[n] * Math.sin((2 * Math.PI * hz * n) / 8000);
    }
    return re * re + im * im;
  };
  return energy(ch.markHz) > energy(ch.spaceHz) ? 1 : 0;
}
