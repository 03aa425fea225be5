import { sat16 } from '../q15.ts';

/**
 * FIR filter over Int16 samples. Coefficients are quantised at construction with a scale 2^shift chosen so that
 * sum(|c|) ≤ 2^15: with |x| ≤ 2^15 the Int32 accumulator then cannot overflow, whatever the input.
 */
export class FirFilter {
  readonly taps: number;
  readonly coeffs: Int16Array;
  readonly shift: number;
  /** The quantised taps are even-symmetric (a linear-phase design): each pair of samples shares one multiply. */
  readonly symmetric: boolean;
  private readonly history: Int16Array; // doubled so that a window is always contiguous
  private pos = 0;

  constructor(design: ArrayLike<number>) {
    this.taps = design.length;
    let sumAbs = 0;
    for (let i = 0; i < design.length; i++) sumAbs += Math.abs(design[i]);
    this.shift = Math.min(15, 15 - Math.max(0, Math.ceil(Math.log2(sumAbs))));
    this.coeffs = new Int16Array(this.taps);
    // Stored reversed so the inner loop walks history and coefficients in the same direction.
    for (let i = 0; i < this.taps; i++) this.coeffs[this.taps - 1 - i] = sat16(Math.round(design[i] * 2 ** this.shift));
    this.history = new Int16Array(2 * this.taps);
    let sym = true;
    for (let i = 0; i < this.taps >> 1; i++) if (this.coeffs[i] !== this.coeffs[this.taps - 1 - i]) sym = false;
    this.symmetric = sym;
  }

  /** Filter `n` samples from `input` into `output` (may be the same array). */
  process(input: Int16Array, output: Int16Array, n: number): void {
    const taps = this.taps;
    const h = this.history;
    const c = this.coeffs;
    const shift = this.shift;
    const round = shift > 0 ? 1 << (shift - 1) : 0;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const x = input[i];
      h[pos] = x;
      h[pos + taps] = x;
      pos = pos + 1 === taps ? 0 : pos + 1;
      // Window: h[pos .. pos+taps) holds the last `taps` samples, oldest first.
      const acc = this.symmetric ? foldedDot(h, c, pos, taps) : directDot(h, c, pos, taps);
      const y = (acc + round) >> shift;
      output[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
    this.pos = pos;
  }

  reset(): void {
    this.history.fill(0);
    this.pos = 0;
  }
}

/** Σ h[pos+k]·c[k], wrapping in Int32. */
function directDot(h: Int16Array, c: Int16Array, pos: number, taps: number): number {
  let acc = 0;
  for (let k = 0; k < taps; k++) acc = (acc + Math.imul(h[pos + k], c[k])) | 0;
  return acc;
}

/**
 * The same sum for c[k] = c[taps−1−k]: (h[a] + h[b])·c[k] once per pair. Bit-exact with directDot: the sum of two
 * Int16 fits in 17 bits, and every product and partial sum is taken modulo 2^32 in both, so they cannot differ.
 */
function foldedDot(h: Int16Array, c: Int16Array, pos: number, taps: number): number {
  const half = taps >> 1;
  const last = pos + taps - 1;
  let acc = taps & 1 ? Math.imul(h[pos + half], c[half]) : 0;
  for (let k = 0; k < half; k++) acc = (acc + Math.imul(h[pos + k] + h[last - k], c[k])) | 0;
  return acc;
}
