import { Goertzel, MeanSquare } from '../filters/goertzel.ts';
import { V21_CH2, V23_FORWARD } from '../fsk/specs.ts';
import { dbm0ToPeak, FRAME_SAMPLES } from '../q15.ts';
import { ANSWER_TONE_HZ, BELL_ANSWER_HZ } from './answer-tone.ts';

/**
 * What one 40 ms block of the far end's signal is: the V.25 answer tone (2100 Hz), the Bell answer tone (2225 Hz),
 * V.22 unscrambled ones (a tone at 2250 Hz, 2400 − 150), the V.21 answering channel (1650/1850 Hz), the V.23 forward
 * channel's mark (1300 Hz), silence, or some other signal (scrambled data, speech, a QAM carrier).
 */
export type FarSignal = 'ans' | 'bell' | 'usb1' | 'v21' | 'v23' | 'silence' | 'other';

/** 40 ms blocks: Goertzel bins 25 Hz apart are orthogonal (2225 and 2250 Hz told apart, as BellToneDetector does). */
const BLOCK = 2 * FRAME_SAMPLES;
/** Blocks a tone must hold to count as heard (120 ms). */
export const HOLD_BLOCKS = 3;
/** A signal at least this strong is something heard (a modem's carrier at −10 dBm0 after the line's loss), not line
 * noise (the simulated line's 30 dB SNR leaves noise near −41 dBm0 in band). */
const SIGNAL_DBM0 = -38;

/**
 * Classifies the far end's signal block by block, for the calling automode (dsp/automode-caller.ts) and for the
 * daemon's account of a failed handshake (what was heard: nothing, an answer tone, a carrier). A tone is the block's
 * signal when its bin holds over half of the block's power; silence is a block below the signal level, or 15 dB under
 * the last answer tone heard (a V.25 answer tone's end, V.25 §4.2's 75 ms gap, on a noisy line).
 * Per block: six Goertzel bins and a mean square, no allocation.
 */
export class AnswererSignals {
  private readonly block = new Int16Array(BLOCK);
  private fill = 0;
  private readonly ans = new Goertzel(ANSWER_TONE_HZ, BLOCK);
  private readonly bell = new Goertzel(BELL_ANSWER_HZ, BLOCK);
  private readonly ones = new Goertzel(2250, BLOCK);
  private readonly v21Mark = new Goertzel(V21_CH2.markHz, BLOCK);
  private readonly v21Space = new Goertzel(V21_CH2.spaceHz, BLOCK);
  private readonly v23Mark = new Goertzel(V23_FORWARD.markHz, BLOCK);
  private readonly meanSquare = new MeanSquare(BLOCK);
  private readonly signalMs: number;
  private toneMs = 0;
  /** The last block's class, and how many blocks in a row have had it. */
  last: FarSignal = 'silence';
  run = 0;
  /** Blocks of each tone heard since the start (held HOLD_BLOCKS in a row to count). */
  answerToneHeard = false;
  bellToneHeard = false;
  /** A signal other than an answer tone held HOLD_BLOCKS (a carrier, a training sequence, data). */
  carrierHeard = false;
  /** The V.23 forward channel's mark (1300 Hz) held: the answerer offers V.23. */
  v23Heard = false;
  /** Every kind of signal heard (held HOLD_BLOCKS), for the account of a failed handshake. */
  readonly heard = new Set<FarSignal>();
  /** Blocks since the start. */
  blocks = 0;
  private toneEnded = false; // an answer tone was heard, then silence (V.25's gap before the carrier)

  constructor() {
    const ms = (dbm0: number): number => dbm0ToPeak(dbm0) ** 2 / 2;
    this.signalMs = ms(SIGNAL_DBM0);
  }

  /** One 160-sample frame; true when a block ended with it (`last` and `run` are new). */
  process(frame: Int16Array): boolean {
    for (let i = 0; i < FRAME_SAMPLES; i++) this.block[this.fill + i] = frame[i];
    this.fill += FRAME_SAMPLES;
    if (this.fill < BLOCK) return false;
    this.fill = 0;
    this.blocks++;
    const c = this.classify();
    this.run = c === this.last ? this.run + 1 : 1;
    this.last = c;
    if (c === 'silence' && (this.answerToneHeard || this.bellToneHeard)) this.toneEnded = true;
    if (this.run >= HOLD_BLOCKS) {
      // The 2225 Hz mark again after the answer tone's gap: a Bell 103 answerer's carrier.
      if (c === 'bell' && this.toneEnded) this.carrierHeard = true;
      if (c === 'ans') this.answerToneHeard = true;
      else if (c === 'bell') this.bellToneHeard = true;
      else if (c === 'v23') this.v23Heard = true;
      if (c === 'usb1' || c === 'v21' || c === 'v23' || c === 'other') this.carrierHeard = true;
      if (c !== 'silence') this.heard.add(c);
    }
    return true;
  }

  private classify(): FarSignal {
    const b = this.block;
    const ms = this.meanSquare.process(b);
    if (ms < this.signalMs || ms * 32 < this.toneMs) return 'silence';
    // Powers in Int16² units: a sine of peak A gives A²/2 in its bin and in the mean square.
    const pa = this.ans.process(b);
    const pb = this.bell.process(b);
    const pu = this.ones.process(b);
    const pv = this.v21Mark.process(b) + this.v21Space.process(b);
    const p3 = this.v23Mark.process(b);
    let tone: FarSignal = 'other';
    if (2 * pa > ms) tone = 'ans';
    else if (2 * pb > ms && pb > 2 * pu) tone = 'bell';
    else if (2 * pu > ms && pu > 2 * pb) tone = 'usb1';
    else if (2 * pv > ms) tone = 'v21';
    else if (2 * p3 > ms) tone = 'v23';
    if (tone === 'ans' || tone === 'bell') this.toneMs = ms;
    return tone;
  }
}
