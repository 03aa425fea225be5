import { dbm0ToPeak } from '../q15.ts';
import { phaseStep, sinQ15 } from '../nco.ts';

/** One step of a tone cadence: up to three frequencies (none = silence) for `ms` milliseconds. */
export interface ToneSegment {
  readonly freqs: readonly number[];
  readonly ms: number;
}

const MAX_TONES = 3;

/**
 * Plays a cadence of tone segments (e.g. busy: 480+620 Hz 0.5 s, silence 0.5 s), once or repeated. Each tone is a
 * 32-bit phase accumulator into the Q15 sine table; amplitudes are Q15 peaks chosen at construction so that the sum
 * of peaks stays within full scale (the output then cannot clip). Phases run on across segment boundaries.
 */
export class TonePlayer {
  private readonly steps: Int32Array; // MAX_TONES per segment, unsigned phase steps stored as int32
  private readonly amps: Int16Array;
  private readonly lengths: Int32Array;
  private readonly phases = new Uint32Array(MAX_TONES);
  private segment = 0;
  private left: number;
  done = false;

  constructor(
    readonly segments: readonly ToneSegment[],
    levelDbm0PerTone: number,
    readonly repeat = true,
  ) {
    if (segments.length === 0) throw new RangeError('a tone cadence needs at least one segment');
    const n = segments.length;
    this.steps = new Int32Array(n * MAX_TONES);
    this.amps = new Int16Array(n * MAX_TONES);
    this.lengths = new Int32Array(n);
    const peak = Math.round(dbm0ToPeak(levelDbm0PerTone));
    segments.forEach((s, k) => {
      if (s.freqs.length > MAX_TONES) throw new RangeError(`at most ${MAX_TONES} tones per segment`);
      if (peak * s.freqs.length > 32767) throw new RangeError(`${levelDbm0PerTone} dBm0 per tone would clip`);
      this.lengths[k] = Math.round(s.ms * 8);
      s.freqs.forEach((f, j) => {
        this.steps[k * MAX_TONES + j] = phaseStep(f) | 0;
        this.amps[k * MAX_TONES + j] = peak;
      });
    });
    this.left = this.lengths[0];
  }

  /** Write the next `n` samples into `out` (silence once a non-repeating cadence has finished). */
  process(out: Int16Array, n: number): void {
    const ph = this.phases;
    for (let i = 0; i < n; i++) {
      while (this.left === 0 && !this.done) {
        if (this.segment + 1 < this.lengths.length) this.segment++;
        else if (this.repeat) this.segment = 0;
        else this.done = true;
        this.left = this.done ? 0 : this.lengths[this.segment];
      }
      if (this.done) {
        out[i] = 0;
        continue;
      }
      const base = this.segment * MAX_TONES;
      let acc = 0;
      for (let j = 0; j < MAX_TONES; j++) {
        const a = this.amps[base + j];
        if (a === 0) continue;
        acc += (Math.imul(sinQ15(ph[j]), a) + 0x4000) >> 15;
        ph[j] = (ph[j] + this.steps[base + j]) >>> 0;
      }
      out[i] = acc; // Σ peaks ≤ 32767 by construction
      this.left--;
    }
  }

  reset(): void {
    this.segment = 0;
    this.left = this.lengths[0];
    this.phases.fill(0);
    this.done = false;
  }
}
