import { dbm0ToPeak, SAMPLE_RATE } from '../q15.ts';
import { phaseStep, sinQ15, SINE_TABLE } from '../nco.ts';
import type { BitSource } from '../uart/bit-source.ts';
import type { FskChannel } from './specs.ts';

/** Continuous-phase binary FSK modulator: one 32-bit phase accumulator whose step follows the current bit. */
export class FskModulator {
  private phase = 0;
  private readonly markStep: number;
  private readonly spaceStep: number;
  private readonly spbQ16: number; // samples per bit, Q16
  private bitClock = 0; // Q16 samples left in the current bit
  private bit = 1;
  amplitude: number;

  constructor(
    readonly channel: FskChannel,
    levelDbm0 = -10,
  ) {
    this.markStep = phaseStep(channel.markHz);
    this.spaceStep = phaseStep(channel.spaceHz);
    this.spbQ16 = Math.round((SAMPLE_RATE / channel.baud) * 65536);
    this.amplitude = Math.round(dbm0ToPeak(levelDbm0));
  }

  /** Write `n` samples to `out`, taking a new bit from `source` at each bit boundary. */
  process(out: Int16Array, n: number, source: BitSource, offset = 0): void {
    // The phase wraps as Int32 (the same bits as an unsigned accumulator, always a small integer to the JIT). Between
    // bit boundaries the step is fixed, so the samples of one bit go out in a loop of their own: sinQ15 inline
    // (table entry plus linear interpolation on the next 15 phase bits), no test of the bit clock per sample.
    const table = SINE_TABLE;
    const amp = this.amplitude;
    let phase = this.phase | 0;
    let clock = this.bitClock;
    let step = this.bit ? this.markStep : this.spaceStep;
    let i = 0;
    while (i < n) {
      if (clock <= 0) {
        clock += this.spbQ16;
        this.bit = source.nextBit();
        step = this.bit ? this.markStep : this.spaceStep;
      }
      // Samples until the clock runs out again: each takes 65536 off it, and the one that brings it to ≤ 0 is the
      // last of this bit.
      const run = Math.min(n - i, Math.ceil(clock / 65536));
      clock -= run * 65536;
      for (const end = i + run; i < end; i++) {
        const k = phase >>> 22;
        const a = table[k];
        const sin = a + ((Math.imul(table[k + 1] - a, (phase >>> 7) & 0x7fff) + 0x4000) >> 15);
        out[offset + i] = (Math.imul(sin, amp) + 0x4000) >> 15;
        phase = (phase + step) | 0;
      }
    }
    this.phase = phase;
    this.bitClock = clock;
  }

  /** Write `n` samples of a steady tone of phase step `step`, continuing the phase (Bell 202's soft turn-off). */
  tone(out: Int16Array, n: number, step: number, offset = 0): void {
    let phase = this.phase;
    const amp = this.amplitude;
    for (let i = 0; i < n; i++) {
      out[offset + i] = (Math.imul(sinQ15(phase), amp) + 0x4000) >> 15;
      phase = (phase + step) >>> 0;
    }
    this.phase = phase;
  }

  reset(): void {
    this.phase = 0;
    this.bitClock = 0;
    this.bit = 1;
  }
}
