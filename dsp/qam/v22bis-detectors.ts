import { Goertzel, MeanSquare } from '../filters/goertzel.ts';
import { FRAME_SAMPLES } from '../q15.ts';
import { BELL_ANSWER_HZ } from '../tones/answer-tone.ts';
import { S1_DETECT } from './v22bis-handshake.ts';

/** Pattern detectors for the V.22bis / Bell 212A handshakes (used by v22bis-pump.ts). */

/**
 * The Bell 212A answer tone, 2225 Hz, told apart from V.22 unscrambled ones (which sit at 2250 Hz, 2400 − 150) by
 * two Goertzel bins 25 Hz apart over 40 ms blocks (orthogonal at that length): present after four blocks (160 ms,
 * V.22bis §6.3.1.2's 155 ms) in which 2225 Hz holds most of the power and four times the 2250 Hz bin.
 */
export class BellToneDetector {
  private readonly block = new Int16Array(320);
  private fill = 0;
  private readonly bellBin = new Goertzel(BELL_ANSWER_HZ, 320);
  private readonly onesBin = new Goertzel(2250, 320);
  private readonly meanSquare = new MeanSquare(320);
  private blocks = 0;
  private usb1Blocks = 0;
  present = false;
  /** The last two blocks looked like unscrambled ones (2250 Hz) rather than the Bell tone. */
  usb1 = false;

  /** One 160-sample frame; returns true once the tone has held for 160 ms. */
  process(frame: Int16Array): boolean {
    this.block.set(frame.subarray(0, FRAME_SAMPLES), this.fill);
    this.fill += FRAME_SAMPLES;
    if (this.fill < this.block.length) return this.present;
    this.fill = 0;
    const pb = this.bellBin.process(this.block);
    const pu = this.onesBin.process(this.block);
    const ms = this.meanSquare.process(this.block);
    // Powers in Int16² units (a sine of peak A gives A²/2 in both): the tone holds over half of the block's power,
    // and twice the other bin's (a ±7 Hz carrier offset still leaves a factor of 6).
    const tone = pb > 0 && pb > 2 * pu && 2 * pb > ms;
    const ones = pu > 0 && pu > 2 * pb && 2 * pu > ms;
    this.blocks = tone ? this.blocks + 1 : 0;
    this.usb1Blocks = ones ? this.usb1Blocks + 1 : 0;
    this.present = this.blocks >= 4;
    this.usb1 = this.usb1Blocks >= 2;
    return this.present;
  }
}

/** Counts a run of the S1 pattern (dibits 00 and 11 in turn) in a stream of differentially detected dibits. */
export class S1Detector {
  run = 0;
  private prev = -1;

  /** Returns whether this dibit continues the pattern. */
  step(d: number): boolean {
    const alternating = (d === 0 && this.prev === 3) || (d === 3 && this.prev === 0);
    this.run = alternating ? this.run + 1 : d === 0 || d === 3 ? 1 : 0;
    this.prev = d;
    return alternating;
  }
}

/**
 * The handshake's unscrambled patterns in the differentially detected dibits (V22Demodulator's diffDibits, and
 * diffDibitsMid half a symbol apart): runs of unscrambled binary 1 (one dibit repeated), and S1 (V.22bis §6.3.1.1.1:
 * 00 and 11 in turn), seen through whichever of the two phases shows it (the timing loop may not have found it yet).
 */
export class UnscrambledPatterns {
  /** Symbols of unscrambled ones in a row. */
  usb1Run = 0;
  /** S1 is being received: S1_DETECT symbols of it seen, and it has not ended. */
  s1 = false;
  private prevDibit = -1;
  private readonly s1a = new S1Detector();
  private readonly s1b = new S1Detector();

  /** One symbol. `s1Wanted`: S1 counts (2400 bit/s offered). 'begin' when S1 is recognised, 'end' when it stops. */
  step(diff: number, diffMid: number, s1Wanted: boolean): 'begin' | 'end' | null {
    this.usb1Run = diff === 3 || diff === 0 ? (diff === this.prevDibit || this.usb1Run === 0 ? this.usb1Run + 1 : 1) : 0;
    this.prevDibit = diff;
    const a = this.s1a.step(diff);
    const b = this.s1b.step(diffMid);
    if (s1Wanted && (this.s1a.run >= S1_DETECT || this.s1b.run >= S1_DETECT)) {
      const begins = !this.s1;
      this.s1 = true;
      return begins ? 'begin' : null;
    }
    if (!this.s1 || a || b) return null;
    this.s1 = false;
    this.s1a.run = 0;
    this.s1b.run = 0;
    return 'end';
  }

  /** Symbols of S1 recognised so far (the longer of the two phases' runs). */
  get s1Run(): number {
    return Math.max(this.s1a.run, this.s1b.run);
  }
}
