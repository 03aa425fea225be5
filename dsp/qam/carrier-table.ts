import { SAMPLE_RATE } from '../q15.ts';

/**
 * One exact period of a carrier at a whole number of hertz, as Q15 cosine and sine tables: a tone of f Hz repeats
 * every 8000/gcd(8000, f) samples (1200 Hz: 20, 2400 Hz: 10, 1800 Hz: 40, 550 Hz: 160), so a table that long gives
 * the carrier with no phase accumulator, no interpolation and no spurs beyond Q15 rounding. Float at construction.
 */
export class CarrierTable {
  readonly period: number;
  readonly cos: Int16Array;
  readonly sin: Int16Array;

  constructor(readonly hz: number) {
    if (!Number.isInteger(hz) || hz <= 0 || hz >= SAMPLE_RATE / 2) throw new RangeError(`CarrierTable: ${hz} Hz must be a whole number of hertz below 4000`);
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    this.period = SAMPLE_RATE / gcd(SAMPLE_RATE, hz);
    this.cos = new Int16Array(this.period);
    this.sin = new Int16Array(this.period);
    for (let n = 0; n < this.period; n++) {
      this.cos[n] = Math.round(32767 * Math.cos((2 * Math.PI * hz * n) / SAMPLE_RATE));
      this.sin[n] = Math.round(32767 * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE));
    }
  }
}
