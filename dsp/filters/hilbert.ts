import { cosQ15, Nco, sinQ15 } from '../nco.ts';
import type { Window } from './fir-design.ts';

/**
 * Hilbert transformer and complex mixing: the analytic signal x + jH{x} of a real signal, and rotation of
 * complex samples by an NCO. Complex samples are interleaved Int32Array pairs (re, im), as DESIGN.md asks.
 */

function windowAt(kind: Window, i: number, taps: number): number {
  const x = (2 * Math.PI * i) / (taps - 1);
  return kind === 'hamming' ? 0.54 - 0.46 * Math.cos(x) : 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x);
}

/** Windowed ideal Hilbert transformer: h[M + j] = 2/(πj) for odd j, 0 for even j; `taps` = 2M + 1 odd. */
export function designHilbert(taps: number, window: Window = 'hamming'): Float64Array {
  if (!Number.isInteger(taps) || taps < 3 || taps % 2 === 0) throw new Error(`designHilbert: taps must be odd ≥ 3, got ${taps}`);
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  for (let i = 0; i < taps; i++) {
    const j = i - mid;
    h[i] = j % 2 === 0 ? 0 : (2 / (Math.PI * j)) * windowAt(window, i, taps);
  }
  return h;
}

/**
 * Real input → analytic signal: re = x delayed by (taps − 1)/2 samples, im = H{x} (the 90° shifted signal) at the
 * same delay. Only the odd taps are non-zero and they are antisymmetric, so each output costs (taps + 1)/4 products
 * of a sample difference with a coefficient.
 */
export class HilbertTransformer {
  readonly taps: number;
  readonly delay: number;
  readonly design: Float64Array;
  /** c[p] multiplies x[n − M − j] − x[n − M + j] for the p-th odd j = 2p + 1. */
  readonly coeffs: Int16Array;
  readonly shift: number;
  private readonly history: Int16Array; // doubled so that a window is always contiguous
  private pos = 0;

  constructor(taps = 63, window: Window = 'hamming') {
    this.design = designHilbert(taps, window);
    this.taps = taps;
    this.delay = (taps - 1) / 2;
    const pairs = Math.floor((this.delay + 1) / 2);
    let sumAbs = 0;
    for (let p = 0; p < pairs; p++) sumAbs += Math.abs(this.design[this.delay + 2 * p + 1]);
    // A sample difference reaches 2^16, so Σ|c|·2^shift < 2^15 keeps the Int32 accumulator safe.
    // (The rounded coefficients may add up to pairs/2 more.)
    this.shift = Math.min(15, Math.floor(Math.log2((32768 - pairs) / sumAbs)));
    this.coeffs = Int16Array.from({ length: pairs }, (_, p) => Math.round(this.design[this.delay + 2 * p + 1] * 2 ** this.shift));
    this.history = new Int16Array(2 * taps);
  }

  /** Filter input[from..from+n) into iq[0..2n): iq[2i] = re, iq[2i + 1] = im (Int16 range). */
  process(input: Int16Array, iq: Int32Array, n: number, from = 0): void {
    const taps = this.taps;
    const mid = this.delay;
    const h = this.history;
    const c = this.coeffs;
    const pairs = c.length;
    const shift = this.shift;
    const round = 1 << (shift - 1);
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const x = input[from + i];
      h[pos] = x;
      h[pos + taps] = x;
      pos = pos + 1 === taps ? 0 : pos + 1;
      // h[pos + k] is x[n − (taps − 1) + k]: the centre x[n − M] is at k = M.
      const centre = pos + mid;
      let acc = 0;
      for (let p = 0; p < pairs; p++) {
        const j = 2 * p + 1;
        acc = (acc + Math.imul(h[centre - j] - h[centre + j], c[p])) | 0;
      }
      const y = (acc + round) >> shift;
      iq[2 * i] = h[centre];
      iq[2 * i + 1] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
    this.pos = pos;
  }

  reset(): void {
    this.history.fill(0);
    this.pos = 0;
  }
}

/** Complex mixer: multiplies complex samples by e^{j·phase} of an NCO running at `hz` (negative allowed). */
export class ComplexMixer {
  readonly nco: Nco;

  constructor(hz: number) {
    this.nco = new Nco(hz);
  }

  /** In place: iq[2i] + j·iq[2i+1] ← (re + j·im)·e^{jθ_i}, for Int16-range re and im. */
  rotate(iq: Int32Array, n: number): void {
    const nco = this.nco;
    for (let i = 0; i < n; i++) {
      const p = nco.advance();
      const c = cosQ15(p);
      const s = sinQ15(p);
      const re = iq[2 * i];
      const im = iq[2 * i + 1];
      // Halved products keep the sums of two Q30 terms inside Int32.
      iq[2 * i] = ((Math.imul(re, c) >> 1) - (Math.imul(im, s) >> 1) + 0x2000) >> 14;
      iq[2 * i + 1] = ((Math.imul(re, s) >> 1) + (Math.imul(im, c) >> 1) + 0x2000) >> 14;
    }
  }

  /** out[to + i] = Re{(re + j·im)·e^{jθ_i}} = re·cos θ − im·sin θ, saturated to Int16. */
  rotateToReal(iq: Int32Array, out: Int16Array, n: number, to = 0): void {
    const nco = this.nco;
    for (let i = 0; i < n; i++) {
      const p = nco.advance();
      const y = ((Math.imul(iq[2 * i], cosQ15(p)) >> 1) - (Math.imul(iq[2 * i + 1], sinQ15(p)) >> 1) + 0x2000) >> 14;
      out[to + i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
  }

  reset(): void {
    this.nco.reset();
  }
}
