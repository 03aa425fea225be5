import { UNIT_BITS } from './equalizer.ts';
import { STEP_DIBIT } from './v22-constellation.ts';

/** The V.22 / V.22bis receiver's decisions on derotated equaliser outputs (units of UNIT per point step). */

/** Nearest of −3, −1, 1, 3 units (V.22bis §2.5: each coordinate of the sixteen points). */
export function slice4(v: number): number {
  // Without branches (the coordinates are random): 2·⌊v / 2·UNIT⌋ + 1 is the nearest odd level, then clamped to
  // ±3 by masks. v is far inside Int32 (an equaliser output derotated, below 2^17).
  const d = ((v >> (UNIT_BITS + 1)) << 1) + 1;
  const hi = d - 3;
  const e = d - (hi & ~(hi >> 31)); // min(d, 3)
  const lo = e + 3;
  return e - (lo & (lo >> 31)); // max(e, −3)
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

/** differentialDibit's table: quadrant 0 (pr ≥ 0) or 2 when |pr| ≥ |pi|, else 1 (pi ≥ 0) or 3; its dibit. */
const DIFF_DIBIT: Uint8Array = Uint8Array.from([1, 3, 1, 3, 0, 0, 2, 2], (dq) => STEP_DIBIT[dq]);

/** Dibit of the phase change from b to a: the quadrant of a·conj(b), boundaries at ±45°. */
export function differentialDibit(ar: number, ai: number, br: number, bi: number): number {
  const pr = ar * br + ai * bi;
  const pi = ai * br - ar * bi;
  // The quadrant by a table on the comparisons (random, so better not branches): index |pr| ≥ |pi|, pr < 0, pi < 0.
  const k = ((Math.abs(pr) >= Math.abs(pi) ? 4 : 0) | (pr < 0 ? 2 : 0) | (pi < 0 ? 1 : 0)) & 7;
  return DIFF_DIBIT[k];
}

/** 2^15/|d|² for the squared magnitudes the points have (2, 10, 18): the carrier loop's normalisation. */
export const INV_D2: Int32Array = Int32Array.from({ length: 19 }, (_, n) => (n === 0 ? 0 : Math.round(32768 / n)));
