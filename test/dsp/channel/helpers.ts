/** Float helpers shared by the channel-model tests (reference models and measurements, never used in dsp/). */
import { dbm0ToPeak } from '../../../dsp/q15.ts';

export const FS = 8000;

export function tone(hz: number, dbm0: number, n: number, phase = 0): Int16Array {
  const peak = dbm0ToPeak(dbm0);
  return Int16Array.from({ length: n }, (_, i) => Math.round(peak * Math.sin((2 * Math.PI * hz * i) / FS + phase)));
}

export function meanSquare(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return s / (to - from);
}

export function db(powerRatio: number): number {
  return 10 * Math.log10(powerRatio);
}

/** Power ratio (dB) of a reference to the error between it and the fixed-point output. */
export function snrDb(reference: ArrayLike<number>, actual: ArrayLike<number>, from = 0): number {
  let sig = 0;
  let err = 0;
  for (let i = from; i < reference.length; i++) {
    sig += reference[i] * reference[i];
    err += (actual[i] - reference[i]) ** 2;
  }
  return db(sig / err);
}

/** Amplitude of the component at `hz` in x[from..to), Hann-windowed single-bin DFT (normalised for a sine). */
export function toneAmplitude(x: ArrayLike<number>, hz: number, from = 0, to = x.length): number {
  const n = to - from;
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const a = (2 * Math.PI * hz * (from + i)) / FS;
    re += w * x[from + i] * Math.cos(a);
    im += w * x[from + i] * Math.sin(a);
    wsum += w;
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

/** Least-squares fit of a sine at `hz`: returns its amplitude and the power of what the fit leaves. */
export function fitSine(y: ArrayLike<number>, hz: number, from = 0): { amplitude: number; residual: number } {
  let ss = 0, sc = 0, cc = 0, ys = 0, yc = 0, yy = 0;
  for (let i = from; i < y.length; i++) {
    const s = Math.sin((2 * Math.PI * hz * i) / FS);
    const c = Math.cos((2 * Math.PI * hz * i) / FS);
    ss += s * s; sc += s * c; cc += c * c; ys += y[i] * s; yc += y[i] * c; yy += y[i] * y[i];
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  const n = y.length - from;
  return { amplitude: Math.hypot(a, b), residual: (yy - (a * ys + b * yc)) / n };
}
