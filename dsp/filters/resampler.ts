import { sat16 } from '../q15.ts';

/**
 * Rational sample-rate converter by L/M (up by L, low-pass, down by M) in polyphase form: for each output sample only
 * the one phase of the prototype low-pass that lands on an input sample is computed. Used at the audio edge to turn
 * a sound card's 48 or 44.1 kHz and Bluetooth's 16 kHz into the engine's 8 kHz, and back.
 *
 * The prototype is a Kaiser-windowed sinc designed at construction (floating point there only); its cutoff sits at
 * 0.475 of the lower of the two rates so that the modem band (300–3400 Hz at 8 kHz) passes flat and what would fold
 * back into it is at least `stopbandDb` down. Per sample the work is integer only: Q15 coefficients, an Int32
 * accumulator whose scale is chosen so that no phase can overflow it, rounding and saturation on output.
 */
export interface ResamplerOptions {
  /** Attenuation of the Kaiser design in the stop band (dB). Default 70. */
  stopbandDb?: number;
  /** Prototype length in taps of the lower rate; more taps give a narrower transition band. Default 40. */
  lowRateTaps?: number;
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind, by its series (construction time only). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** The prototype low-pass at the up-sampled rate L·fsIn, with gain L so that each phase has unity gain at DC. */
export function designResamplerPrototype(up: number, taps: number, cutoff: number, stopbandDb: number): Float64Array {
  const a = stopbandDb;
  const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  const i0b = besselI0(beta);
  for (let i = 0; i < taps; i++) {
    const n = i - mid;
    const x = 2 * cutoff * n;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = n / mid;
    h[i] = 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b);
  }
  let sum = 0;
  for (let i = 0; i < taps; i++) sum += h[i];
  for (let i = 0; i < taps; i++) h[i] *= up / sum;
  return h;
}

export class Resampler {
  readonly up: number;
  readonly down: number;
  /** Taps per phase: the number of input samples each output sample is computed from. */
  readonly phaseTaps: number;
  /** The prototype as designed (floating point), kept for tests and the float reference. */
  readonly prototype: Float64Array;
  private readonly coeffs: Int16Array; // phase p's taps at [p·T, p·T+T), newest input first
  private readonly shift: number;
  private readonly history: Int16Array; // doubled so a window is always contiguous
  private pos = 0;
  private phase = 0;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    opts: ResamplerOptions = {},
  ) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0)
      throw new RangeError(`resampler: rates must be positive integers (got ${inRate} → ${outRate})`);
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    const lowTaps = opts.lowRateTaps ?? 40;
    const ratio = Math.max(this.up, this.down) / this.up; // input samples per low-rate sample
    this.phaseTaps = Math.max(1, Math.ceil(lowTaps * ratio));
    const taps = this.phaseTaps * this.up;
    const cutoff = (0.475 * Math.min(inRate, outRate)) / (inRate * this.up); // cycles per up-sampled sample
    this.prototype = designResamplerPrototype(this.up, taps, cutoff, opts.stopbandDb ?? 70);
    this.shift = this.chooseShift();
    this.coeffs = new Int16Array(taps);
    const T = this.phaseTaps;
    for (let p = 0; p < this.up; p++) for (let j = 0; j < T; j++) this.coeffs[p * T + j] = sat16(Math.round(this.prototype[p + j * this.up] * 2 ** this.shift));
    this.history = new Int16Array(2 * T);
  }

  /** The largest scale 2^shift (≤ 2^15) at which sum(|c|) of every phase stays ≤ 2^15: no accumulator overflow. */
  private chooseShift(): number {
    let worst = 0;
    for (let p = 0; p < this.up; p++) {
      let s = 0;
      for (let j = p; j < this.prototype.length; j += this.up) s += Math.abs(this.prototype[j]);
      worst = Math.max(worst, s);
    }
    return Math.min(15, 15 - Math.max(0, Math.ceil(Math.log2(worst))));
  }

  /** How many output samples `n` more input samples can give at most (size the output array with it). */
  maxOutput(n: number): number {
    return Math.ceil(((n + 1) * this.up) / this.down) + 1;
  }

  /** Convert `n` samples of `input`; writes the output samples to `output` and returns how many. */
  process(input: Int16Array, n: number, output: Int16Array): number {
    const T = this.phaseTaps;
    const L = this.up;
    const M = this.down;
    const h = this.history;
    const c = this.coeffs;
    const shift = this.shift;
    const round = 1 << (shift - 1);
    let pos = this.pos;
    let phase = this.phase;
    let out = 0;
    for (let i = 0; i < n; i++) {
      // Newest first: h[pos .. pos+T) runs from the sample just taken back in time.
      pos = pos === 0 ? T - 1 : pos - 1;
      h[pos] = input[i];
      h[pos + T] = input[i];
      while (phase < L) {
        const base = phase * T;
        let acc = 0;
        for (let k = 0; k < T; k++) acc = (acc + Math.imul(h[pos + k], c[base + k])) | 0;
        const y = (acc + round) >> shift;
        output[out++] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
        phase += M;
      }
      phase -= L;
    }
    this.pos = pos;
    this.phase = phase;
    return out;
  }

  /** Samples of delay the filter adds, at the output rate (its group delay). */
  get delayOut(): number {
    return (this.prototype.length - 1) / 2 / this.down;
  }

  reset(): void {
    this.history.fill(0);
    this.pos = 0;
    this.phase = 0;
  }
}
