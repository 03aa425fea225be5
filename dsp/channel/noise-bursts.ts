import { Awgn } from './awgn.ts';
import type { ChannelStage } from './stage.ts';

export interface NoiseBurstOptions {
  /** A burst begins every `periodMs` and lasts `burstMs` (the first one `firstAtMs` after the start). */
  periodMs: number;
  burstMs: number;
  firstAtMs?: number;
  /** The burst's noise: SNR against the nominal signal level, as Awgn. */
  snrDb: number;
  signalDbm0: number;
  seed?: number;
}

/**
 * Impulsive noise on a line: white Gaussian noise at `snrDb` during bursts of `burstMs` every `periodMs`, nothing
 * between them (the V.42 acceptance pattern: 200 ms at 0 dB SNR every 5 s). Counts samples, so it is exact at 8 kHz.
 */
export class NoiseBursts implements ChannelStage {
  private readonly awgn: Awgn;
  private readonly period: number;
  private readonly length: number;
  private t: number;

  constructor(o: NoiseBurstOptions) {
    this.awgn = new Awgn({ snrDb: o.snrDb, signalDbm0: o.signalDbm0, seed: o.seed });
    this.period = Math.round(o.periodMs * 8);
    this.length = Math.round(o.burstMs * 8);
    this.t = this.period - Math.round((o.firstAtMs ?? o.periodMs) * 8);
  }

  process(buf: Int16Array, n: number): void {
    let i = 0;
    while (i < n) {
      const phase = ((this.t % this.period) + this.period) % this.period;
      const inBurst = phase < this.length;
      const run = Math.min(n - i, inBurst ? this.length - phase : this.period - phase);
      if (inBurst) this.awgn.process(buf.subarray(i, i + run), run);
      i += run;
      this.t += run;
    }
  }
}
