import { SINE_TABLE } from '../nco.ts';

const BITS = 12; // block floating point: every correlation scaled below 2^12, so |three summed|² < 2^30

/**
 * Non-coherent sequence detection of continuous-phase binary FSK over three bits, deciding the middle one.
 *
 * A CPFSK signal keeps its phase across bit boundaries: at a boundary at sample b between a bit on tone a and the
 * next on tone a', the phase offset of the second is that of the first plus (ω_a − ω_a')·b. So the three bits'
 * correlations against their tones, each rotated back by that known step, add coherently for the true bit
 * pattern; only the carrier's absolute phase stays unknown (hence non-coherent: the pattern is chosen by |sum|²).
 * The decision for the middle bit takes the larger of the best sum among the four patterns with it at mark and
 * the best among the four with it at space. For these modems' tone spacings (Δf·T = 2/3 or 5/6, not orthogonal)
 * this is several dB better than comparing one bit's two correlator energies, which is all the tones' phase
 * continuity makes up for (Osborne and Luntz, IEEE Trans. Commun. 1974: multi-bit detection of CPFSK).
 *
 * The correlations come from the demodulator's running sums: sums[4·(n & mask) + {0..3}] holds Σ x·cos(ω t) and
 * Σ x·sin(ω t) up to and including sample n, for mark then space, so a window [a, b) is a difference of two
 * entries. I + jQ is Σ x·e^{+jω t}, the conjugate of the correlation above, so every rotation below is taken in
 * the opposite sense (|conjugate| is the same). The reference phase of sample n is n·step (the demodulator's
 * oscillators start at zero), so the rotation at a boundary b is (markStep − spaceStep)·b, read from the sine
 * table. No floating point, no allocation.
 */
export class SequenceDetector {
  private readonly c = new Int32Array(12); // windows 0..2 × mark I, mark Q, space I, space Q
  private readonly p = new Int32Array(8); // rotated terms

  constructor(
    private readonly sums: Int32Array,
    private readonly mask: number,
    /** Phase step of mark − space per sample (32-bit phase). */
    private readonly diffStep: number,
  ) {}

  /**
   * Decide the bit in [b1, b2) of three contiguous windows of spbQ16 (Q16 samples) each that end at
   * endSample + frac/65536 (frac ≤ 0 in Q16; sample indices as the running sums count them). Returns 1 for mark.
   */
  decide(endSample: number, frac: number, spbQ16: number): number {
    const b3 = (endSample + ((frac + 0x8000) >> 16)) | 0;
    const b2 = (endSample + ((frac - spbQ16 + 0x8000) >> 16)) | 0;
    const b1 = (endSample + ((frac - 2 * spbQ16 + 0x8000) >> 16)) | 0;
    const b0 = (endSample + ((frac - 3 * spbQ16 + 0x8000) >> 16)) | 0;
    const c = this.c;
    this.window(0, b0, b1);
    this.window(4, b1, b2);
    this.window(8, b2, b3);
    let mag = 0;
    for (let k = 0; k < 12; k++) mag |= c[k] < 0 ? -c[k] : c[k];
    const sh = 32 - Math.clz32(mag) - BITS;
    if (sh > 0) for (let k = 0; k < 12; k++) c[k] >>= sh;
    // Rotated terms: window 0 into window 1's reference (by ±θ1), window 2 into it (by ∓θ2).
    const p = this.p;
    const t1 = Math.imul(-this.diffStep, b1); // conjugate sense: see the class comment
    const t2 = Math.imul(-this.diffStep, b2);
    this.rotate(0, c[0], c[1], t1, 1); // mark then space: +θ1
    this.rotate(2, c[2], c[3], t1, -1); // space then mark: −θ1
    this.rotate(4, c[10], c[11], t2, -1); // middle mark, last space: −θ2
    this.rotate(6, c[8], c[9], t2, 1); // middle space, last mark: +θ2
    // Middle at mark: first window mark (unrotated) or space (rotated); last window mark or space (rotated).
    const w11x = c[0] + c[4];
    const w11y = c[1] + c[5];
    const w01x = p[2] + c[4];
    const w01y = p[3] + c[5];
    const mark = Math.max(
      energy(w11x + c[8], w11y + c[9]),
      energy(w11x + p[4], w11y + p[5]),
      energy(w01x + c[8], w01y + c[9]),
      energy(w01x + p[4], w01y + p[5]),
    );
    // Middle at space.
    const w00x = c[2] + c[6];
    const w00y = c[3] + c[7];
    const w10x = p[0] + c[6];
    const w10y = p[1] + c[7];
    const space = Math.max(
      energy(w00x + c[10], w00y + c[11]),
      energy(w00x + p[6], w00y + p[7]),
      energy(w10x + c[10], w10y + c[11]),
      energy(w10x + p[6], w10y + p[7]),
    );
    return mark > space ? 1 : 0;
  }

  /** Correlations over [a, b) into c[at..at+4): mark I, mark Q, space I, space Q. */
  private window(at: number, a: number, b: number): void {
    const s = this.sums;
    const hi = ((b - 1) & this.mask) << 2;
    const lo = ((a - 1) & this.mask) << 2;
    const c = this.c;
    c[at] = (s[hi] - s[lo]) | 0;
    c[at + 1] = (s[hi + 1] - s[lo + 1]) | 0;
    c[at + 2] = (s[hi + 2] - s[lo + 2]) | 0;
    c[at + 3] = (s[hi + 3] - s[lo + 3]) | 0;
  }

  /** p[at], p[at+1] = (x + jy)·e^{j·sign·θ}, θ a 32-bit phase, Q15 table. */
  private rotate(at: number, x: number, y: number, theta: number, sign: number): void {
    const cos = SINE_TABLE[((theta + 0x40000000) >>> 0) >>> 22];
    const sin = sign * SINE_TABLE[theta >>> 22];
    this.p[at] = (Math.imul(x, cos) - Math.imul(y, sin)) >> 15;
    this.p[at + 1] = (Math.imul(x, sin) + Math.imul(y, cos)) >> 15;
  }
}

function energy(x: number, y: number): number {
  return Math.imul(x, x) + Math.imul(y, y);
}
