import { SAMPLE_RATE } from '../q15.ts';

/** Normalised biquad coefficients (a0 = 1): y = b0 x + b1 x1 + b2 x2 − a1 y1 − a2 y2. Construction time only. */
export interface BiquadDesign {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export type BiquadKind = 'lowpass' | 'highpass' | 'bandpass' | 'notch';

/**
 * RBJ audio-EQ-cookbook style design, floating point. `f` is the cutoff (lowpass, highpass) or centre (bandpass,
 * notch) in Hz, `q` the quality factor. Gains: lowpass 1 at DC, highpass 1 at Nyquist, bandpass 1 at its centre
 * (constant 0 dB peak), notch 1 far from the notch.
 */
export function designBiquad(kind: BiquadKind, f: number, q: number, fs = SAMPLE_RATE): BiquadDesign {
  if (!(f > 0 && f < fs / 2)) throw new RangeError(`biquad frequency ${f} Hz outside (0, ${fs / 2})`);
  if (!(q > 0)) throw new RangeError(`biquad Q ${q} must be positive`);
  const w0 = (2 * Math.PI * f) / fs;
  const cw = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  let b0: number;
  let b1: number;
  let b2: number;
  switch (kind) {
    case 'lowpass':
      b0 = (1 - cw) / 2;
      b1 = 1 - cw;
      b2 = b0;
      break;
    case 'highpass':
      b0 = (1 + cw) / 2;
      b1 = -(1 + cw);
      b2 = b0;
      break;
    case 'bandpass':
      b0 = alpha;
      b1 = 0;
      b2 = -alpha;
      break;
    case 'notch':
      b0 = 1;
      b1 = -2 * cw;
      b2 = 1;
      break;
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: (-2 * cw) / a0, a2: (1 - alpha) / a0 };
}

/** |H(f)| of a biquad design, for tests and for choosing levels at construction. */
export function biquadMagnitude(d: BiquadDesign, f: number, fs = SAMPLE_RATE): number {
  const w = (2 * Math.PI * f) / fs;
  const nr = d.b0 + d.b1 * Math.cos(w) + d.b2 * Math.cos(2 * w);
  const ni = -d.b1 * Math.sin(w) - d.b2 * Math.sin(2 * w);
  const dr = 1 + d.a1 * Math.cos(w) + d.a2 * Math.cos(2 * w);
  const di = -d.a1 * Math.sin(w) - d.a2 * Math.sin(2 * w);
  return Math.hypot(nr, ni) / Math.hypot(dr, di);
}

/** Largest accumulated |coefficient| (integer units) for which 32768·Σ|c| + 2^14 stays below 2^31. */
const MAX_COEFF_SUM = 65535;

/**
 * Second-order IIR section, direct form I, over Int16 samples.
 *
 * Coefficients are Q14 (`fracBits` = 14), or fewer fractional bits when the design's Σ|c| would exceed 4 (a notch
 * near DC or Nyquist needs Q13). The bound Σ|c_q| ≤ 65535 is checked at construction, so with |x|, |y| ≤ 2^15 the
 * Int32 accumulator stays below 32768·65535 + 2^14 < 2^31 whatever the input. The rounding remainder of each output is
 * fed back into the next accumulator (first-order error feedback), which keeps narrow, high-Q sections quiet at low
 * levels; the output saturates to Int16.
 */
export class Biquad {
  readonly fracBits: number;
  /** Quantised coefficients: b0, b1, b2, −a1, −a2 in Q(fracBits). */
  readonly coeffs: Int32Array;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;
  private err = 0;

  constructor(readonly design: BiquadDesign) {
    const c = [design.b0, design.b1, design.b2, -design.a1, -design.a2];
    let frac = 14;
    const quantise = (bits: number): number[] => c.map((v) => Math.round(v * 2 ** bits));
    let q = quantise(frac);
    while (q.reduce((s, v) => s + Math.abs(v), 0) > MAX_COEFF_SUM) {
      frac--;
      if (frac < 8) throw new RangeError('biquad coefficients too large for a 16-bit section');
      q = quantise(frac);
    }
    this.fracBits = frac;
    this.coeffs = Int32Array.from(q);
  }

  static lowpass(fc: number, q = Math.SQRT1_2, fs = SAMPLE_RATE): Biquad {
    return new Biquad(designBiquad('lowpass', fc, q, fs));
  }

  static highpass(fc: number, q = Math.SQRT1_2, fs = SAMPLE_RATE): Biquad {
    return new Biquad(designBiquad('highpass', fc, q, fs));
  }

  static bandpass(f0: number, q: number, fs = SAMPLE_RATE): Biquad {
    return new Biquad(designBiquad('bandpass', f0, q, fs));
  }

  static notch(f0: number, q: number, fs = SAMPLE_RATE): Biquad {
    return new Biquad(designBiquad('notch', f0, q, fs));
  }

  /** Filter `n` samples from `input` into `output` (may be the same array). */
  process(input: Int16Array, output: Int16Array, n: number): void {
    const c = this.coeffs;
    const b0 = c[0];
    const b1 = c[1];
    const b2 = c[2];
    const na1 = c[3];
    const na2 = c[4];
    const frac = this.fracBits;
    let x1 = this.x1;
    let x2 = this.x2;
    let y1 = this.y1;
    let y2 = this.y2;
    let err = this.err;
    for (let i = 0; i < n; i++) {
      const x = input[i];
      const acc =
        (Math.imul(b0, x) + Math.imul(b1, x1) + Math.imul(b2, x2) + Math.imul(na1, y1) + Math.imul(na2, y2) + err) | 0;
      let y = acc >> frac; // floor; the remainder goes to the next sample
      err = acc - (y << frac);
      if (y > 32767) {
        y = 32767;
        err = 0;
      } else if (y < -32768) {
        y = -32768;
        err = 0;
      }
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      output[i] = y;
    }
    this.x1 = x1;
    this.x2 = x2;
    this.y1 = y1;
    this.y2 = y2;
    this.err = err;
  }

  reset(): void {
    this.x1 = this.x2 = this.y1 = this.y2 = this.err = 0;
  }
}

/** Biquad sections in series (e.g. a 4th-order band-pass as two sections); processes in place after the first. */
export class BiquadCascade {
  constructor(readonly sections: readonly Biquad[]) {
    if (sections.length === 0) throw new RangeError('a biquad cascade needs at least one section');
  }

  process(input: Int16Array, output: Int16Array, n: number): void {
    this.sections[0].process(input, output, n);
    for (let s = 1; s < this.sections.length; s++) this.sections[s].process(output, output, n);
  }

  reset(): void {
    for (const s of this.sections) s.reset();
  }
}
