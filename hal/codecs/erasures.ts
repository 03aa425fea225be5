/**
 * Radio frame erasures: which 20 ms (or 7.5 ms) codec frames the radio link loses. Each frame is lost on its own with
 * probability `rate` (independent losses, the simplest model of a frame erasure rate; bursts are not modelled),
 * drawn from a seeded 32-bit generator (mulberry32) so that a seed gives the same pattern on every run and machine.
 * A draw is made for every frame whatever the rate, so two stages with one seed lose the same frames.
 */
export class FrameErasures {
  private state: number;
  private readonly threshold: number;

  constructor(
    readonly rate: number,
    readonly seed = 1,
  ) {
    this.state = seed >>> 0;
    // A frame is lost when its 32-bit draw is below rate·2^32: rate 1 loses every frame, rate 0 none.
    this.threshold = Math.round(rate * 2 ** 32);
  }

  /** Whether the next frame is lost. */
  next(): boolean {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0 < this.threshold;
  }

  reset(): void {
    this.state = this.seed >>> 0;
  }
}
