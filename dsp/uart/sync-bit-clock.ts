import type { BitDecider, BitSink } from './bit-source.ts';

/**
 * Each transition pulls the clock by 1/32 of its error once locked: 1/8 let the noise at 0 dB SNR slip it by a
 * bit several times in 1e5 (V.21, Bell 103), 1/16 still at V.23. Acquisition shifts gear: 1/4 of the error for the
 * first 8 transitions, then 1/8, 1/16 and 1/32 (shift = GEAR[transitions seen >> 3], up to 56 of them).
 */
const GEAR = [2, 3, 3, 4, 4, 4, 4, 5];
const GEAR_FLIPS = 56;

/**
 * Digital PLL that recovers the bit clock of a synchronous stream from per-sample hard decisions. With a decision
 * integrated over one bit, transitions fall half a bit before the best sampling point; the first transition
 * phases the clock, each later one pulls it towards that by a fraction of the error (GEAR). Given a BitDecider, the bit at each
 * sampling point is the decider's (one bit late), not the hard decision there.
 */
export class SyncBitClock {
  private readonly spbQ16: number;
  private phase = 0; // Q16 samples since the last sampling point
  private prev = 1;
  private flips = 0; // transitions seen since the last reset, up to GEAR_FLIPS

  constructor(samplesPerBit: number) {
    this.spbQ16 = Math.round(samplesPerBit * 65536);
  }

  /** With `decider`, `firstSample` is decisions[0]'s index in the decider's sample count. */
  process(decisions: Uint8Array, n: number, sink: BitSink, decider?: BitDecider, firstSample = 0): void {
    const spb = this.spbQ16;
    const half = spb >> 1;
    let phase = this.phase;
    let prev = this.prev;
    for (let i = 0; i < n; i++) {
      const d = decisions[i];
      if (d !== prev) {
        const f = this.flips;
        phase = f === 0 ? half : phase - ((phase - half) >> GEAR[f >> 3]);
        if (f < GEAR_FLIPS) this.flips = f + 1;
        prev = d;
      }
      phase += 65536;
      if (phase >= spb) {
        phase -= spb;
        sink.putBit(decider ? decider.decideBit((firstSample + i + 1) | 0, -phase, spb) : d);
      }
    }
    this.phase = phase;
    this.prev = prev;
  }

  reset(): void {
    this.flips = 0;
  }
}
