import { phaseStep } from '../nco.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../q15.ts';
import type { FskModulator } from './fsk-modulator.ts';

/**
 * The ends of a Bell 202 burst. A half-duplex Bell 202 data set turns its carrier off softly: when the terminal drops
 * request-to-send, the transmitter shifts to 900 Hz for about 8 ms before the carrier stops (the Bell 202's soft
 * carrier turn-off), so the far receiver, which takes a tone below mark as the end of the burst, clamps its data
 * to mark before the carrier goes, and the noise and transient after the carrier are not read as characters.
 * Beyond the Bell definition, both ends of the burst are shaped: the carrier rises and the 900 Hz tone falls over
 * RAMP_SAMPLES with a raised-cosine envelope, so that the step of a tone switched on or off does not spread energy
 * into the other FSK tone's band (a rectangular onset of 1200 Hz splashes into 2200 Hz and reads as a start bit).
 */
export const SCT_HZ = 900;
/** Soft carrier turn-off: 900 Hz at full level for 8 ms. */
export const SCT_SAMPLES = (8 * SAMPLE_RATE) / 1000;
/** Raised-cosine ramp at the start of a burst and after the turn-off tone: 4 ms. */
export const RAMP_SAMPLES = (4 * SAMPLE_RATE) / 1000;

export class SoftCarrier {
  /** Q15 gains of the rising ramp: 0.5 − 0.5·cos(π(i + ½)/N), built once. */
  private readonly ramp = new Int16Array(RAMP_SAMPLES);
  private readonly sctStep = phaseStep(SCT_HZ);

  constructor() {
    if (SCT_SAMPLES + RAMP_SAMPLES > FRAME_SAMPLES) throw new RangeError('the turn-off tone and its ramp must fit in one frame');
    for (let i = 0; i < RAMP_SAMPLES; i++) this.ramp[i] = Math.round(32767 * (0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / RAMP_SAMPLES)));
  }

  /** The first frame of a burst, already modulated in `out`: its first RAMP_SAMPLES rise from silence. */
  onset(out: Int16Array, offset = 0): void {
    const r = this.ramp;
    for (let i = 0; i < RAMP_SAMPLES; i++) out[offset + i] = (Math.imul(out[offset + i], r[i]) + 0x4000) >> 15;
  }

  /**
   * The burst's last frame: 900 Hz (continuing the modulator's phase, at its level) for SCT_SAMPLES, falling to
   * silence over RAMP_SAMPLES, then silence to the end of the frame. (Measured against spandsp: ending the tone on
   * the frame boundary instead, after more mark, left more stray characters at the far receiver, not fewer.)
   */
  turnOff(out: Int16Array, mod: FskModulator, offset = 0): void {
    mod.tone(out, SCT_SAMPLES + RAMP_SAMPLES, this.sctStep, offset);
    const r = this.ramp;
    const fall = offset + SCT_SAMPLES;
    for (let i = 0; i < RAMP_SAMPLES; i++) out[fall + i] = (Math.imul(out[fall + i], r[RAMP_SAMPLES - 1 - i]) + 0x4000) >> 15;
    out.fill(0, fall + RAMP_SAMPLES, offset + FRAME_SAMPLES);
  }
}

/** Blocks the turn-off detector looks at: 4 ms, half the turn-off tone, so one block lies wholly inside it. */
export const SCT_BLOCK = 32;
const BLOCKS = FRAME_SAMPLES / SCT_BLOCK;

/**
 * The receive squelch's ear for a far Bell 202's soft carrier turn-off: in each 4 ms block, the energy at 900 Hz
 * against the energy at the mark frequency (1200 Hz) beside it. A block whose 900 Hz correlation holds most of the
 * block's power, above a level floor, is the turn-off tone: the receiver clamps from there until the carrier is gone.
 * (A mark tone puts ~1/40 of its power in the 900 Hz bin of a 4 ms block, a space tone less; the turn-off tone ~all.)
 */
export class SoftTurnOffDetector {
  private readonly cosT = new Int16Array(SCT_BLOCK);
  private readonly sinT = new Int16Array(SCT_BLOCK);
  private readonly floor: number;

  constructor(minDbm0 = -43) {
    for (let i = 0; i < SCT_BLOCK; i++) {
      const w = (2 * Math.PI * SCT_HZ * i) / SAMPLE_RATE;
      this.cosT[i] = Math.round(32767 * Math.cos(w));
      this.sinT[i] = Math.round(32767 * Math.sin(w));
    }
    // Bin energy (in the units below) of a tone at the floor: amplitude A gives (N·A/2 >> 8)².
    const a = 32767 * 10 ** ((minDbm0 - 3.14) / 20) * Math.SQRT2;
    this.floor = ((SCT_BLOCK * a) / 2 / 256) ** 2;
  }

  /** The offset in the frame of the first block that is the turn-off tone, or -1. */
  process(rx: Int16Array, offset = 0): number {
    for (let b = 0; b < BLOCKS; b++) {
      let si = 0;
      let sq = 0;
      let power = 0;
      const base = offset + b * SCT_BLOCK;
      for (let i = 0; i < SCT_BLOCK; i++) {
        const x = rx[base + i];
        si += Math.imul(x, this.cosT[i]) >> 15; // |x·c| < 2^30 → < 2^15 each, 32 of them < 2^20
        sq += Math.imul(x, this.sinT[i]) >> 15;
        power += Math.imul(x, x) >>> 15; // < 2^15 each
      }
      const a = si >> 8;
      const q = sq >> 8;
      const bin = Math.imul(a, a) + Math.imul(q, q);
      // A pure tone at the bin's frequency: bin = (N·A/2/256)², power = N·A²/2^16, so bin/power = N/4.
      if (bin >= this.floor && bin * 4 * 10 >= 7 * SCT_BLOCK * power) return b * SCT_BLOCK;
    }
    return -1;
  }
}
