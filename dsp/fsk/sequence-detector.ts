import { SINE_TABLE } from '../nco.ts';

const BITS = 12; // block floating point: every correlation scaled below 2^12, so |three summed|² < 2^30
const CLEAR_SHIFT = 3; // a one-bit decision is clear when one tone's energy is 8× the other's

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
    this.window(4, b1, b2);
    // A clear one-bit decision needs no sequence search: the other tone's correlator at an eighth of this one's
    // energy or less (the tones' own leakage: 1/6 at Δf·T = 2/3, 1/27 at 5/6). This keeps the cost per bit low on a
    // clean line; the search runs where noise makes the middle bit doubtful.
    const m1 = (c[4] < 0 ? -c[4] : c[4]) | (c[5] < 0 ? -c[5] : c[5]) | (c[6] < 0 ? -c[6] : c[6]) | (c[7] < 0 ? -c[7] : c[7]);
    const s1 = Math.max(0, 32 - Math.clz32(m1) - BITS);
    const em = energy(c[4] >> s1, c[5] >> s1);
    const es = energy(c[6] >> s1, c[7] >> s1);
    if (em > es << CLEAR_SHIFT) return 1;
    if (es > em << CLEAR_SHIFT) return 0;
    this.window(0, b0, b1);
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
    const mark = best(c[0] + c[4], c[1] + c[5], p[2] + c[4], p[3] + c[5], c[8], c[9], p[4], p[5]);
    // Middle at space: first window space (unrotated) or mark (rotated); last window space or mark (rotated).
    const space = best(c[2] + c[6], c[3] + c[7], p[0] + c[6], p[1] + c[7], c[10], c[11], p[6], p[7]);
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

/** The largest |w + v|² over the two first-and-middle sums w (a, b) and the two last-window terms v (u, v). */
function best(ax: number, ay: number, bx: number, by: number, ux: number, uy: number, vx: number, vy: number): number {
  const e1 = energy(ax + ux, ay + uy);
  const e2 = energy(ax + vx, ay + vy);
  const e3 = energy(bx + ux, by + uy);
  const e4 = energy(bx + vx, by + vy);
  const m1 = e1 > e2 ? e1 : e2;
  const m2 = e3 > e4 ? e3 : e4;
  return m1 > m2 ? m1 : m2;
}
