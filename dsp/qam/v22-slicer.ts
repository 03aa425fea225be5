import { UNIT } from './equalizer.ts';
import { STEP_DIBIT } from './v22-constellation.ts';

/** The V.22 / V.22bis receiver's decisions on derotated equaliser outputs (units of UNIT per point step). */

/** Nearest of −3, −1, 1, 3 units (V.22bis §2.5: each coordinate of the sixteen points). */
export function slice4(v: number): number {
  return v >= 0 ? (v >= 2 * UNIT ? 3 : 1) : v < -2 * UNIT ? -3 : -1;
}

/** The four 1200 bit/s points, one per quadrant: (3, 1), (−1, 3), (−3, −1), (1, −3). */
export const FOUR_RE: readonly number[] = [3, -1, -3, 1];
export const FOUR_IM: readonly number[] = [1, 3, -1, -3];

/** The nearest of the four 1200 bit/s points (its quadrant, an index into FOUR_RE/FOUR_IM): the largest projection. */
export function sliceFour(zr: number, zi: number): number {
  const a = 3 * zr + zi;
  const b = 3 * zi - zr;
  if (Math.abs(a) >= Math.abs(b)) return a >= 0 ? 0 : 2;
  return b >= 0 ? 1 : 3;
}

/** Dibit of the phase change from b to a: the quadrant of a·conj(b), boundaries at ±45°. */
export function differentialDibit(ar: number, ai: number, br: number, bi: number): number {
  const pr = ar * br + ai * bi;
  const pi = ai * br - ar * bi;
  const dq = Math.abs(pr) >= Math.abs(pi) ? (pr >= 0 ? 0 : 2) : pi >= 0 ? 1 : 3;
  return STEP_DIBIT[dq];
}

/** 2^15/|d|² for the squared magnitudes the points have (2, 10, 18): the carrier loop's normalisation. */
export const INV_D2: Int32Array = Int32Array.from({ length: 19 }, (_, n) => (n === 0 ? 0 : Math.round(32768 / n)));
