import { BELL103_ORIGINATE, V21_CH1 } from '../fsk/specs.ts';
import type { FskChannel } from '../fsk/specs.ts';
import { Goertzel, MeanSquare } from '../filters/goertzel.ts';
import { FRAME_SAMPLES } from '../q15.ts';

/** Which 300 bit/s FSK caller is heard: V.21 channel 1 (980/1180 Hz) or Bell 103 originate (1270/1070 Hz). */
export type FskCaller = 'none' | 'v21' | 'bell103';

/** 40 ms blocks: Goertzel bins 25 Hz apart are orthogonal, and the four tones are 90 Hz or more apart. */
const BLOCK = 2 * FRAME_SAMPLES;
/** Blocks a caller's channel must hold (120 ms): its mark is steady while it waits for our carrier. */
const HOLD_BLOCKS = 3;

/**
 * For the automode answerer (V.25/V.22bis practice): is the caller a V.21 or a Bell 103 modem? Both send their
 * carrier (mark) while they wait for the answering modem's, so a channel whose mark and space bins hold over half of
 * the block's power, and four times the other channel's, for 120 ms, names the caller. A V.22 or V.22bis caller's
 * signal (S1, scrambled ones: 1200 ± 525 Hz, spread) leaves only a few per cent in any one 25 Hz bin.
 */
export class FskCallerDetector {
  private readonly block = new Int16Array(BLOCK);
  private fill = 0;
  private readonly v21 = bins(V21_CH1);
  private readonly bell = bins(BELL103_ORIGINATE);
  private readonly meanSquare = new MeanSquare(BLOCK);
  private v21Blocks = 0;
  private bellBlocks = 0;
  heard: FskCaller = 'none';

  /** One 160-sample frame; returns what has been heard so far (it stays once heard). */
  process(frame: Int16Array): FskCaller {
    for (let i = 0; i < FRAME_SAMPLES; i++) this.block[this.fill + i] = frame[i];
    this.fill += FRAME_SAMPLES;
    if (this.fill < BLOCK) return this.heard;
    this.fill = 0;
    // Powers in Int16² units (a sine of peak A gives A²/2 in its bin and in the mean square).
    const pv = this.v21[0].process(this.block) + this.v21[1].process(this.block);
    const pb = this.bell[0].process(this.block) + this.bell[1].process(this.block);
    const ms = this.meanSquare.process(this.block);
    this.v21Blocks = pv > 0 && 2 * pv > ms && pv > 4 * pb ? this.v21Blocks + 1 : 0;
    this.bellBlocks = pb > 0 && 2 * pb > ms && pb > 4 * pv ? this.bellBlocks + 1 : 0;
    if (this.heard === 'none') {
      if (this.v21Blocks >= HOLD_BLOCKS) this.heard = 'v21';
      else if (this.bellBlocks >= HOLD_BLOCKS) this.heard = 'bell103';
    }
    return this.heard;
  }
}

function bins(ch: FskChannel): [Goertzel, Goertzel] {
  return [new Goertzel(ch.markHz, BLOCK), new Goertzel(ch.spaceHz, BLOCK)];
}
