import { SAMPLE_RATE } from './q15.ts';

/** 1024-entry quarter-resolution-free sine table, Q15, one guard entry for interpolation. */
const TABLE_BITS = 10;
const TABLE_SIZE = 1 << TABLE_BITS;
const FRAC_BITS = 32 - TABLE_BITS; // phase bits below the table index
export const SINE_TABLE: Int16Array = (() => {
  const t = new Int16Array(TABLE_SIZE + 1);
  for (let i = 0; i <= TABLE_SIZE; i++) t[i] = Math.round(32767 * Math.sin((2 * Math.PI * i) / TABLE_SIZE));
  return t;
})();

/** Phase increment per sample for `hz`, as a 32-bit unsigned phase step. Construction time only. */
export function phaseStep(hz: number, sampleRate = SAMPLE_RATE): number {
  const step = Math.round((hz / sampleRate) * 4294967296);
  return ((step % 4294967296) + 4294967296) % 4294967296;
}

/** Q15 sine of a 32-bit phase, linearly interpolated between table entries (spurs below −90 dBc). */
export function sinQ15(phase: number): number {
  const i = phase >>> FRAC_BITS;
  const frac = (phase >>> (FRAC_BITS - 15)) & 0x7fff;
  const a = SINE_TABLE[i];
  return a + ((Math.imul(SINE_TABLE[i + 1] - a, frac) + 0x4000) >> 15);
}

/** Q15 cosine of a 32-bit phase. */
export function cosQ15(phase: number): number {
  return sinQ15((phase + 0x40000000) >>> 0);
}

/** Numerically controlled oscillator: a 32-bit phase accumulator driving the Q15 sine table. */
export class Nco {
  phase = 0;
  step: number;

  constructor(hz: number, sampleRate = SAMPLE_RATE) {
    this.step = phaseStep(hz, sampleRate);
  }

  setStep(step: number): void {
    this.step = step >>> 0;
  }

  /** Advance one sample; returns the phase before the step. */
  advance(): number {
    const p = this.phase;
    this.phase = (p + this.step) >>> 0;
    return p;
  }

  /** Shift the phase by a fraction of a cycle (0.5 = 180°), e.g. for a V.25 phase reversal. */
  shiftPhase(cycles: number): void {
    this.phase = (this.phase + phaseStep(cycles, 1)) >>> 0;
  }

  /** Fill `out[0..n)` with a sine of Q15 amplitude `amplitude`. */
  generate(out: Int16Array, n: number, amplitude: number): void {
    let p = this.phase;
    const s = this.step;
    for (let i = 0; i < n; i++) {
      out[i] = (Math.imul(sinQ15(p), amplitude) + 0x4000) >> 15;
      p = (p + s) >>> 0;
    }
    this.phase = p;
  }

  reset(): void {
    this.phase = 0;
  }
}
