import { SAMPLE_RATE } from '../q15.ts';

/**
 * One-pole DC blocker y[n] = x[n] − x[n−1] + a·y[n−1], a = 1 − 2π·fc/fs, with `a` in Q14.
 *
 * Overflow: |x − x1| ≤ 2^16 so (x − x1)·2^14 ≤ 2^30; |a·y1| < 2^14·2^15 = 2^29; the fed-back rounding remainder is
 * below 2^14; the Int32 accumulator therefore stays below 2^31. The remainder feedback keeps the output free of the
 * small DC offset that plain truncation would leave. The output saturates to Int16 (a full-scale step can exceed it).
 */
export class DcBlocker {
  /** Pole in Q14. */
  readonly pole: number;
  private x1 = 0;
  private y1 = 0;
  private err = 0;

  constructor(
    readonly cutoffHz = 20,
    sampleRate = SAMPLE_RATE,
  ) {
    if (!(cutoffHz > 0 && cutoffHz < sampleRate / 20)) throw new RangeError(`DC blocker cutoff ${cutoffHz} Hz out of range`);
    this.pole = Math.round((1 - (2 * Math.PI * cutoffHz) / sampleRate) * 16384);
  }

  /** Filter `n` samples from `input` into `output` (may be the same array). */
  process(input: Int16Array, output: Int16Array, n: number): void {
    const a = this.pole;
    let x1 = this.x1;
    let y1 = this.y1;
    let err = this.err;
    for (let i = 0; i < n; i++) {
      const x = input[i];
      const acc = (((x - x1) << 14) + Math.imul(a, y1) + err) | 0;
      let y = acc >> 14;
      err = acc - (y << 14);
      if (y > 32767) {
        y = 32767;
        err = 0;
      } else if (y < -32768) {
        y = -32768;
        err = 0;
      }
      x1 = x;
      y1 = y;
      output[i] = y;
    }
    this.x1 = x1;
    this.y1 = y1;
    this.err = err;
  }

  reset(): void {
    this.x1 = this.y1 = this.err = 0;
  }
}
