import { dbm0ToPeak, FRAME_SAMPLES } from '../q15.ts';
import { phaseStep, SINE_TABLE } from '../nco.ts';

/**
 * Is a single tone present in this 20 ms frame? One DFT bin (quadrature correlation over the frame, 50 Hz wide)
 * against the frame's total power: the tone must carry most of the power and be above a level floor.
 * Used by the handshakes to hear answer tones; the full detectors (with cadences, phase reversals) live in tones/.
 */
export class TonePresence {
  private phase = 0;
  private readonly step: number;
  private readonly floor: number;
  present = false;

  constructor(
    hz: number,
    minDbm0 = -43,
    private readonly fraction = 0.5,
  ) {
    this.step = phaseStep(hz);
    // Bin energy of a tone at the floor level, in the units computed below.
    const sum = (FRAME_SAMPLES * dbm0ToPeak(minDbm0)) / 2 / 256;
    this.floor = sum * sum;
  }

  /** Examine one frame of exactly FRAME_SAMPLES samples. */
  process(rx: Int16Array, offset = 0): boolean {
    let si = 0;
    let sq = 0;
    let power = 0;
    let p = this.phase;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const x = rx[offset + i];
      si += Math.imul(x, SINE_TABLE[((p + 0x40000000) >>> 0) >>> 22]) >> 15; // ≤ 160·2^15 < 2^23
      sq += Math.imul(x, SINE_TABLE[p >>> 22]) >> 15;
      power += Math.imul(x, x) >>> 15; // ≤ 160·2^15
      p = (p + this.step) >>> 0;
    }
    this.phase = p;
    const a = si >> 8;
    const b = sq >> 8;
    const bin = Math.imul(a, a) + Math.imul(b, b);
    // A pure tone of amplitude A gives bin = (N·A/2/256)² and power = N·A²/2^16, so bin/power = N/4 (once per frame).
    this.present = bin >= this.floor && bin * 4 >= this.fraction * FRAME_SAMPLES * power;
    return this.present;
  }
}
