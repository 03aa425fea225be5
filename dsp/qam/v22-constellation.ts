/**
 * The V.22 / V.22bis signal space and its differential coding.
 *
 * V.22bis §2.5 (Figure 2, Table 2): 16 points on a square grid (±1, ±3); the first two bits of a quadbit (Q1 Q2)
 * choose the change of quadrant exactly as V.22 §2.3 Table 1 chooses the phase change of a dibit (00 → +90°,
 * 01 → 0°, 11 → +270°, 10 → +180°), and the last two (Q3 Q4) choose the point inside the quadrant, numbered the same
 * way in every quadrant (a 90° rotation of the first), so the code is transparent to a 90° ambiguity of the
 * receiver's carrier phase. At 1200 bit/s only Q3 Q4 = 01 is sent (V.22bis §2.5: the four points (3, 1) rotated),
 * which is V.22's four-phase DPSK. Point index = quadrant·4 + Q3Q4, quadrant 0 being (+, +).
 */

/** Real parts of the 16 points, in units (±1, ±3). */
export const POINT_RE: Int8Array = Int8Array.from([1, 3, 1, 3, -1, -1, -3, -3, -1, -3, -1, -3, 1, 1, 3, 3]);
/** Imaginary parts of the 16 points. */
export const POINT_IM: Int8Array = Int8Array.from([1, 1, 3, 3, 1, 3, 1, 3, -1, -1, -3, -3, -1, -3, -1, -3]);
/** Index meaning "no symbol": the modulator sends nothing for it. */
export const SILENT = 16;
/** V.22bis §2.5: the 1200 bit/s points are Q3 Q4 = 01 in each quadrant. */
export const V22_Q34 = 1;

/** V.22 Table 1: quadrant steps (in 90° units) for the dibit Q1 Q2 = 00, 01, 10, 11. */
export const PHASE_STEP: Int8Array = Int8Array.from([1, 0, 2, 3]);
/** The inverse: dibit for a quadrant step of 0, 90°, 180°, 270°. */
export const STEP_DIBIT: Int8Array = Int8Array.from([1, 0, 2, 3]);

/** Quadrant (0..3, counter-clockwise from (+, +)) of a point in units. */
export function quadrantOf(re: number, im: number): number {
  return re > 0 ? (im > 0 ? 0 : 3) : im > 0 ? 1 : 2;
}

/**
 * Differential encoder: one symbol from a dibit (1200 bit/s) or a quadbit (2400 bit/s), first bit in the high bit.
 * Keeps the quadrant of the last symbol sent.
 */
export class V22bisEncoder {
  quadrant = 0;

  /** Q1Q2 (0..3) and Q3Q4 (0..3) → point index. */
  encode(q12: number, q34: number): number {
    this.quadrant = (this.quadrant + PHASE_STEP[q12]) & 3;
    return (this.quadrant << 2) | q34;
  }

  reset(): void {
    this.quadrant = 0;
  }
}
