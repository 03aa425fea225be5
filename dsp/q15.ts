/** Fixed-point conventions shared by every dsp/ block (see shared/DESIGN.md, Conventions). */

export const SAMPLE_RATE = 8000;
/** 20 ms of audio: the engine's frame. */
export const FRAME_SAMPLES = 160;
/** A full-scale sine is +3.14 dBm0 (G.711). */
export const FULL_SCALE_DBM0 = 3.14;
export const Q15_ONE = 32767;

/** Saturate an integer to the Int16 range. */
export function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/** Peak amplitude (in Int16 units) of a sine at `dbm0`. Construction time only. */
export function dbm0ToPeak(dbm0: number): number {
  return 32767 * Math.pow(10, (dbm0 - FULL_SCALE_DBM0) / 20);
}

/** RMS (in Int16 units) of a signal at `dbm0`. Construction time only. */
export function dbm0ToRms(dbm0: number): number {
  return dbm0ToPeak(dbm0) / Math.SQRT2;
}

/** Level in dBm0 of a mean-square value in Int16 units squared. Reporting only, never per sample. */
export function meanSquareToDbm0(meanSquare: number): number {
  if (meanSquare <= 0) return -Infinity;
  const fullScaleSineMs = (32767 * 32767) / 2;
  return FULL_SCALE_DBM0 + 10 * Math.log10(meanSquare / fullScaleSineMs);
}

/** Q15 value of a real number in [-1, 1). Construction time only. */
export function toQ15(x: number): number {
  return sat16(Math.round(x * 32768));
}
