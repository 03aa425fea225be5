import type { ModeStep } from './codec-stage.ts';

/**
 * A mode schedule within a call, as the network's link adaptation would give it: each step's mode for its seconds of
 * line time, rounded to whole 20 ms frames (at least one), since AMR changes mode only on a frame boundary
 * (3GPP TS 26.071 §4). The last step holds for the rest of the call.
 */
export class ModeSchedule {
  /** modeIndex[i] holds from frame ends[i-1] (0 for the first) up to, not including, frame ends[i]. */
  private readonly ends: number[] = [];
  private readonly indices: number[] = [];

  constructor(steps: readonly ModeStep<number>[], modes: readonly number[], frameSeconds = 0.02) {
    let end = 0;
    for (const step of steps) {
      end += Math.max(1, Math.round(step.seconds / frameSeconds));
      this.ends.push(end);
      this.indices.push(modes.indexOf(step.mode));
    }
  }

  /** The mode index (0 = the codec's lowest rate) of frame `frame` (0-based). */
  modeIndexAt(frame: number): number {
    const last = this.ends.length - 1;
    for (let i = 0; i < last; i++) if (frame < this.ends[i]) return this.indices[i];
    return this.indices[last];
  }
}
