import { SAMPLE_RATE } from '../q15.ts';
import { rrcAt, V22_BAUD, V22_ROLLOFF } from './rrc.ts';

/**
 * Matched filter span: ±1.5 symbol periods at 8000 Hz (41 taps), polyphase in 32 fractional delays. With the
 * transmitter's ±3T pulse this leaves −46.7 dB of intersymbol interference (the truncation's tails cancel well at
 * this length; ±2T would leave −38 dB, ±2.5T −57 dB), far below the noise at any SNR the modems work at, and the
 * equaliser takes out what remains. Its rejection of the other channel (1200 Hz away) is −47 dB, of an 1800 Hz guard
 * tone seen from 2400 Hz −39 dB (±2.5T: −58 and −37 dB), for 39 % fewer products than ±2.5T: the filter is the
 * largest cost of the receiver (issue 4's throughput target).
 */
export const MF_HALF = 20;
export const MF_TAPS = 2 * MF_HALF + 1;
const MF_PHASES = 32;

/**
 * Matched-filter table: for fractional delay p/32 of a sample, c[p·MF_TAPS + k] weighs the sample (MF_TAPS − 1 − k)
 * samples old so that the output is the RRC-filtered signal at (newest − p/32 − MF_HALF) samples. Unit DC gain, Q15.
 */
export function matchedFilterTable(): { coeffs: Int16Array; dcGain: number } {
  const coeffs = new Int16Array(MF_PHASES * MF_TAPS);
  const sps = SAMPLE_RATE / V22_BAUD;
  let sum = 0;
  for (let k = 0; k < MF_TAPS; k++) sum += rrcAt((k - MF_HALF) / sps, V22_ROLLOFF);
  for (let p = 0; p < MF_PHASES; p++) {
    for (let k = 0; k < MF_TAPS; k++) {
      const age = MF_TAPS - 1 - k;
      coeffs[p * MF_TAPS + k] = Math.round((rrcAt((age - MF_HALF - p / MF_PHASES) / sps, V22_ROLLOFF) / sum) * 32768);
    }
  }
  return { coeffs, dcGain: 1 };
}

/**
 * The matched filter moved to the carrier, construction time: tap k of phase p (weighing the sample a = MF_TAPS − 1 − k old)
 * times e^{jωa}, as Q15 real and imaginary parts.
 */
export function bandpassMatchedFilter(coeffs: Int16Array, carrierHz: number): { re: Int16Array; im: Int16Array } {
  const re = new Int16Array(coeffs.length);
  const im = new Int16Array(coeffs.length);
  for (let i = 0; i < coeffs.length; i++) {
    const age = MF_TAPS - 1 - (i % MF_TAPS);
    const w = (2 * Math.PI * carrierHz * age) / SAMPLE_RATE;
    re[i] = Math.round(coeffs[i] * Math.cos(w));
    im[i] = Math.round(coeffs[i] * Math.sin(w));
  }
  return { re, im };
}
