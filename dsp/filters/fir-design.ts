/** Windowed-sinc FIR design, floating point: used only at construction time. */

export type Window = 'hamming' | 'blackman';

function windowAt(kind: Window, i: number, taps: number): number {
  const x = (2 * Math.PI * i) / (taps - 1);
  return kind === 'hamming' ? 0.54 - 0.46 * Math.cos(x) : 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x);
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

/** Low-pass with cutoff `fc` (Hz), unity gain at DC. */
export function designLowpass(taps: number, fc: number, fs: number, window: Window = 'hamming'): Float64Array {
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  for (let i = 0; i < taps; i++) h[i] = ((2 * fc) / fs) * sinc(((2 * fc) / fs) * (i - mid)) * windowAt(window, i, taps);
  const sum = h.reduce((a, b) => a + b, 0);
  for (let i = 0; i < taps; i++) h[i] /= sum;
  return h;
}

/** Band-pass from `f1` to `f2` (Hz), unity gain at the band centre. */
export function designBandpass(taps: number, f1: number, f2: number, fs: number, window: Window = 'hamming'): Float64Array {
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  for (let i = 0; i < taps; i++) {
    const n = i - mid;
    h[i] = (((2 * f2) / fs) * sinc(((2 * f2) / fs) * n) - ((2 * f1) / fs) * sinc(((2 * f1) / fs) * n)) * windowAt(window, i, taps);
  }
  const g = magnitudeAt(h, (f1 + f2) / 2, fs);
  for (let i = 0; i < taps; i++) h[i] /= g;
  return h;
}

/** |H(f)| of a real FIR. */
export function magnitudeAt(h: ArrayLike<number>, f: number, fs: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < h.length; i++) {
    re += h[i] * Math.cos((2 * Math.PI * f * i) / fs);
    im -= h[i] * Math.sin((2 * Math.PI * f * i) / fs);
  }
  return Math.hypot(re, im);
}
