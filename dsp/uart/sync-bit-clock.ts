import type { BitSink } from './bit-source.ts';

/**
 * Digital PLL that recovers the bit clock of a synchronous stream from per-sample hard decisions. With a decision
 * integrated over one bit, transitions fall half a bit before the best sampling point; each transition pulls the
 * clock towards that by 1/8 of the error.
 */
export class SyncBitClock {
  private readonly spbQ16: number;
  private phase = 0; // Q16 samples since the last sampling point
  private prev = 1;

  constructor(samplesPerBit: number) {
    this.spbQ16 = Math.round(samplesPerBit * 65536);
  }

  process(decisions: Uint8Array, n: number, sink: BitSink): void {
    const spb = this.spbQ16;
    const half = spb >> 1;
    let phase = this.phase;
    let prev = this.prev;
    for (let i = 0; i < n; i++) {
      const d = decisions[i];
      if (d !== prev) {
        phase -= (phase - half) >> 3;
        prev = d;
      }
      phase += 65536;
      if (phase >= spb) {
        phase -= spb;
        sink.putBit(d);
      }
    }
    this.phase = phase;
    this.prev = prev;
  }
}
