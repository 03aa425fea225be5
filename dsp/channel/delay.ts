import { SAMPLE_RATE } from '../q15.ts';
import type { ChannelStage } from './stage.ts';

export type DelaySpec = { ms: number } | { samples: number };

/** Samples in a delay spec, validated. Construction time only. */
export function delaySamples(spec: DelaySpec, owner: string): number {
  const samples = 'ms' in spec ? Math.round((spec.ms * SAMPLE_RATE) / 1000) : spec.samples;
  if (!Number.isInteger(samples) || samples < 0 || samples > 10 * SAMPLE_RATE) {
    throw new Error(`${owner}: delay must be 0..10 s in whole samples, got ${JSON.stringify(spec)}`);
  }
  return samples;
}

/** A pure delay (propagation, buffering): y[k] = x[k − D], as a ring buffer. */
export class FlatDelay implements ChannelStage {
  readonly samples: number;
  private readonly ring: Int16Array;
  private pos = 0;

  /** `new FlatDelay({ ms: 20 })` or `new FlatDelay({ samples: 160 })`. */
  constructor(spec: DelaySpec) {
    this.samples = delaySamples(spec, 'FlatDelay');
    this.ring = new Int16Array(Math.max(1, this.samples));
  }

  process(buf: Int16Array, n: number): void {
    if (this.samples === 0) return;
    const ring = this.ring;
    const len = this.samples;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const y = ring[pos];
      ring[pos] = buf[i];
      buf[i] = y;
      if (++pos === len) pos = 0;
    }
    this.pos = pos;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
  }
}
