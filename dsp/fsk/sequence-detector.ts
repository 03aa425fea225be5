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
    // The correlations are differences of the running sums at the windows' ends (the entry before each window's
    // first sample, and its last): all in locals, no scratch array.
    const s = this.sums;
    const mask = this.mask;
    const e0 = ((b0 - 1) & mask) << 2;
    const e1 = ((b1 - 1) & mask) << 2;
    const e2 = ((b2 - 1) & mask) << 2;
    const e3 = ((b3 - 1) & mask) << 2;
    // Window 1 (the middle bit): mark I, mark Q, space I, space Q.
    let c4 = (s[e2] - s[e1]) | 0;
    let c5 = (s[e2 + 1] - s[e1 + 1]) | 0;
    let c6 = (s[e2 + 2] - s[e1 + 2]) | 0;
    let c7 = (s[e2 + 3] - s[e1 + 3]) | 0;
    // A clear one-bit decision needs no sequence search: the other tone's correlator at an eighth of this one's
    // energy or less (the tones' own leakage: 1/6 at Δf·T = 2/3, 1/27 at 5/6). This keeps the cost per bit low on a
    // clean line; the search runs where noise makes the middle bit doubtful.
    const m1 = abs31(c4) | abs31(c5) | abs31(c6) | abs31(c7);
    const s1 = Math.max(0, 32 - Math.clz32(m1) - BITS);
    const em = energy(c4 >> s1, c5 >> s1);
    const es = energy(c6 >> s1, c7 >> s1);
    if (em > es << CLEAR_SHIFT) return 1;
    if (es > em << CLEAR_SHIFT) return 0;
    // Windows 0 and 2.
    let c0 = (s[e1] - s[e0]) | 0;
    let c1 = (s[e1 + 1] - s[e0 + 1]) | 0;
    let c2 = (s[e1 + 2] - s[e0 + 2]) | 0;
    let c3 = (s[e1 + 3] - s[e0 + 3]) | 0;
    let c8 = (s[e3] - s[e2]) | 0;
    let c9 = (s[e3 + 1] - s[e2 + 1]) | 0;
    let c10 = (s[e3 + 2] - s[e2 + 2]) | 0;
    let c11 = (s[e3 + 3] - s[e2 + 3]) | 0;
    const mag = m1 | abs31(c0) | abs31(c1) | abs31(c2) | abs31(c3);
    const mag2 = mag | abs31(c8) | abs31(c9) | abs31(c10) | abs31(c11);
    const sh = 32 - Math.clz32(mag2) - BITS;
    if (sh > 0) {
      c0 >>= sh;
      c1 >>= sh;
      c2 >>= sh;
      c3 >>= sh;
      c4 >>= sh;
      c5 >>= sh;
      c6 >>= sh;
      c7 >>= sh;
      c8 >>= sh;
      c9 >>= sh;
      c10 >>= sh;
      c11 >>= sh;
    }
    // Rotated terms: window 0 into window 1's reference (by ±θ1), window 2 into it (by ∓θ2); conjugate sense (see
    // the class comment). p = (x + jy)·e^{j·sign·θ}, θ a 32-bit phase, Q15 table.
    const t1 = Math.imul(-this.diffStep, b1);
    const t2 = Math.imul(-this.diffStep, b2);
    const cos1 = SINE_TABLE[(((t1 >>> 22) + 256) & 1023) | 0];
    const sin1 = SINE_TABLE[t1 >>> 22];
    const cos2 = SINE_TABLE[(((t2 >>> 22) + 256) & 1023) | 0];
    const sin2 = SINE_TABLE[t2 >>> 22];
    // Mark then space: +θ1 (first window mark, rotated).
    const p0 = (Math.imul(c0, cos1) - Math.imul(c1, sin1)) >> 15;
    const p1 = (Math.imul(c0, sin1) + Math.imul(c1, cos1)) >> 15;
    // Space then mark: −θ1.
    const p2 = (Math.imul(c2, cos1) + Math.imul(c3, sin1)) >> 15;
    const p3 = (Math.imul(c3, cos1) - Math.imul(c2, sin1)) >> 15;
    // Middle mark, last space: −θ2.
    const p4 = (Math.imul(c10, cos2) + Math.imul(c11, sin2)) >> 15;
    const p5 = (Math.imul(c11, cos2) - Math.imul(c10, sin2)) >> 15;
    // Middle space, last mark: +θ2.
    const p6 = (Math.imul(c8, cos2) - Math.imul(c9, sin2)) >> 15;
    const p7 = (Math.imul(c8, sin2) + Math.imul(c9, cos2)) >> 15;
    // Middle at mark: first window mark (unrotated) or space (rotated); last window mark or space (rotated).
    const mark = best(c0 + c4, c1 + c5, p2 + c4, p3 + c5, c8, c9, p4, p5);
    // Middle at space: first window space (unrotated) or mark (rotated); last window space or mark (rotated).
    const space = best(c2 + c6, c3 + c7, p0 + c6, p1 + c7, c10, c11, p6, p7);
    return mark > space ? 1 : 0;
  }
}

/**
 * |v| without a branch (correlation signs are random, so a branch would be mispredicted half the time): exact for
 * |v| < 2^31, which holds for any window of at most 128 samples (see the demodulator's PRODUCT_SHIFT).
 */
function abs31(v: number): number {
  const m = v >> 31;
  return (v ^ m) - m;
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
