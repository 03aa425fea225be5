/**
 * Fractionally spaced (T/2) complex LMS equaliser. Input: complex samples two per symbol, in the receiver's unit
 * scale (a constellation unit is 2^UNIT_BITS). Taps are Q28 in Int32Array pairs; the filter uses their top 14
 * fractional bits. Per symbol: one output from the last `taps` half-symbol samples; an update c += μ·e·conj(x)
 * with μ a power of two.
 *
 * Sums of Int32 products are accumulated in a JavaScript number, which holds integers exactly up to 2^53: the same
 * arithmetic as a 64-bit accumulator, with no rounding anywhere (the products themselves are Math.imul).
 */
export const UNIT_BITS = 10;
export const UNIT = 1 << UNIT_BITS;
/** Tap magnitude limit per component, Q14 (just under 2.0). */
const TAP_LIMIT_Q28 = 32767 << 14;

export class FseEqualizer {
  readonly taps: number;
  readonly centre: number;
  readonly cRe: Int32Array;
  readonly cIm: Int32Array;
  private readonly xRe: Int16Array; // doubled rings, oldest first from `pos`
  private readonly xIm: Int16Array;
  private pos = 0;
  /** Last output. */
  yRe = 0;
  yIm = 0;

  constructor(taps = 16, centre = 9) {
    if (taps % 4 !== 0) throw new RangeError(`FseEqualizer: ${taps} taps (a multiple of 4: the filter takes four a turn)`);
    this.taps = taps;
    this.centre = centre;
    this.cRe = new Int32Array(taps);
    this.cIm = new Int32Array(taps);
    this.xRe = new Int16Array(2 * taps);
    this.xIm = new Int16Array(2 * taps);
    this.reset();
  }

  /** Add one half-symbol sample (Int16 range). */
  push(re: number, im: number): void {
    const p = this.pos;
    this.xRe[p] = re;
    this.xRe[p + this.taps] = re;
    this.xIm[p] = im;
    this.xIm[p + this.taps] = im;
    this.pos = p + 1 === this.taps ? 0 : p + 1;
  }

  /** y = Σ c_k·x_k over the window; result in yRe, yIm (saturated to Int16). */
  filter(): void {
    const n = this.taps;
    const p = this.pos;
    const xRe = this.xRe;
    const xIm = this.xIm;
    const cRe = this.cRe;
    const cIm = this.cIm;
    let ar = 0;
    let ai = 0;
    // Four taps a turn (the loop overhead is a good part of the cost at 16 taps); `taps` is a multiple of 4.
    for (let k = 0; k < n; k += 4) {
      const cr0 = cRe[k] >> 14;
      const ci0 = cIm[k] >> 14;
      const cr1 = cRe[k + 1] >> 14;
      const ci1 = cIm[k + 1] >> 14;
      const cr2 = cRe[k + 2] >> 14;
      const ci2 = cIm[k + 2] >> 14;
      const cr3 = cRe[k + 3] >> 14;
      const ci3 = cIm[k + 3] >> 14;
      const xr0 = xRe[p + k];
      const xi0 = xIm[p + k];
      const xr1 = xRe[p + k + 1];
      const xi1 = xIm[p + k + 1];
      const xr2 = xRe[p + k + 2];
      const xi2 = xIm[p + k + 2];
      const xr3 = xRe[p + k + 3];
      const xi3 = xIm[p + k + 3];
      ar += Math.imul(xr0, cr0) - Math.imul(xi0, ci0) + Math.imul(xr1, cr1) - Math.imul(xi1, ci1);
      ar += Math.imul(xr2, cr2) - Math.imul(xi2, ci2) + Math.imul(xr3, cr3) - Math.imul(xi3, ci3);
      ai += Math.imul(xr0, ci0) + Math.imul(xi0, cr0) + Math.imul(xr1, ci1) + Math.imul(xi1, cr1);
      ai += Math.imul(xr2, ci2) + Math.imul(xi2, cr2) + Math.imul(xr3, ci3) + Math.imul(xi3, cr3);
    }
    // Q14 taps: scale back, with rounding; clamp before the shift so a runaway equaliser saturates, not wraps.
    ar = ar > 0x1fffc000 ? 0x1fffc000 : ar < -0x20000000 ? -0x20000000 : ar;
    ai = ai > 0x1fffc000 ? 0x1fffc000 : ai < -0x20000000 ? -0x20000000 : ai;
    this.yRe = (ar + 0x2000) >> 14;
    this.yIm = (ai + 0x2000) >> 14;
  }

  /**
   * LMS step with error (eRe, eIm) in the equaliser's own frame (already rotated back by the carrier phase):
   * c_k += 2^-muShift·e·conj(x_k), in Q28 with x and e in units of 2^UNIT_BITS, i.e. μ = 2^−(8 + muShift) per unit².
   */
  update(eRe: number, eIm: number, muShift: number): void {
    const n = this.taps;
    const p = this.pos;
    const round = muShift > 0 ? 1 << (muShift - 1) : 0;
    const xRe = this.xRe;
    const xIm = this.xIm;
    const cRe = this.cRe;
    const cIm = this.cIm;
    for (let k = 0; k < n; k++) {
      const xr = xRe[p + k];
      const xi = xIm[p + k];
      const cr = cRe[k] + ((Math.imul(eRe, xr) + Math.imul(eIm, xi) + round) >> muShift);
      const ci = cIm[k] + ((Math.imul(eIm, xr) - Math.imul(eRe, xi) + round) >> muShift);
      // The limit is almost never reached: one test for both components, then the clamps.
      if (cr > TAP_LIMIT_Q28 || cr < -TAP_LIMIT_Q28 || ci > TAP_LIMIT_Q28 || ci < -TAP_LIMIT_Q28) {
        cRe[k] = cr > TAP_LIMIT_Q28 ? TAP_LIMIT_Q28 : cr < -TAP_LIMIT_Q28 ? -TAP_LIMIT_Q28 : cr;
        cIm[k] = ci > TAP_LIMIT_Q28 ? TAP_LIMIT_Q28 : ci < -TAP_LIMIT_Q28 ? -TAP_LIMIT_Q28 : ci;
      } else {
        cRe[k] = cr;
        cIm[k] = ci;
      }
    }
  }

  /** Centre tap 1.0, the others 0; the sample history is kept. */
  resetTaps(): void {
    this.cRe.fill(0);
    this.cIm.fill(0);
    this.cRe[this.centre] = 1 << 28;
  }

  reset(): void {
    this.resetTaps();
    this.xRe.fill(0);
    this.xIm.fill(0);
    this.pos = 0;
  }
}
