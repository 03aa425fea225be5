/**
 * Radio frame erasures: which 20 ms (or 7.5 ms) codec frames the radio link loses. Each frame is lost on its own with
 * probability `rate` (independent losses, the simplest model of a frame erasure rate; bursts are not modelled),
 * drawn from a seeded 32-bit generator (mulberry32) so that a seed gives the same pattern on every run and machine.
 * A draw is made for every frame whatever the rate, so two stages with one seed lose the same frames.
 *
 * Everything stays in small-integer range (the state as int32, the draw cut to 30 bits): a uint32 above 2^31 would
 * be a heap number in V8, an allocation per frame.
 */
export class FrameErasures {
  private state: number;
  private readonly threshold: number;

  constructor(
    readonly rate: number,
    readonly seed = 1,
  ) {
    this.state = seed | 0;
    // A frame is lost when its 30-bit draw is below rate·2^30: rate 1 loses every frame, rate 0 none.
    this.threshold = Math.round(rate * 2 ** 30);
  }

  /** Whether the next frame is lost. */
  next(): boolean {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 2 < this.threshold;
  }

  reset(): void {
    this.state = this.seed | 0;
  }
}
