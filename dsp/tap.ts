/**
 * A window into a receiver for people watching (the web panel): pairs of values the receiver pushes at its own
 * rate, kept one in `every`, in a fixed ring. The receiver holds a tap only while someone watches (null otherwise),
 * so an unwatched call costs one null check per push site. Nothing is allocated after construction.
 *
 * What a pair means is the receiver's to say (`kind`): 'constellation' is the equalised, derotated symbol (I, Q) in
 * units of `scale` per point spacing step; 'tones' is the mark and space channel energies of an FSK receiver.
 */
export type TapKind = 'constellation' | 'tones';

export class ReceiverTap {
  kind: TapKind = 'constellation';
  /** What one unit of the receiver's grid is worth in the pair's values (constellation: one point step). */
  scale = 1;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly mask: number;
  private write = 0; // pairs written, modulo 2^31
  private read = 0;
  private skip = 1;

  /** `size`: a power of two; `every`: keep one pair in this many. */
  constructor(
    readonly size = 512,
    readonly every = 1,
  ) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new Error(`ReceiverTap: size must be a power of two, got ${size}`);
    if (!Number.isInteger(every) || every < 1) throw new Error(`ReceiverTap: every must be a positive integer, got ${every}`);
    this.a = new Int32Array(size);
    this.b = new Int32Array(size);
    this.mask = size - 1;
  }

  /** From the receiver's path: no allocation, integer work only. */
  push(x: number, y: number): void {
    if (--this.skip > 0) return;
    this.skip = this.every;
    const i = this.write & this.mask;
    this.a[i] = x;
    this.b[i] = y;
    this.write = (this.write + 1) & 0x7fffffff;
  }

  /**
   * Pairs pushed since the last drain, oldest first, interleaved into `out` (at most out.length / 2 of the newest;
   * older ones the ring or `out` had no room for are dropped). Returns the number of pairs.
   */
  drain(out: Int32Array): number {
    let n = (this.write - this.read) & 0x7fffffff;
    const room = Math.min(this.size, out.length >> 1);
    if (n > room) n = room;
    const from = (this.write - n) & 0x7fffffff;
    for (let k = 0; k < n; k++) {
      const i = (from + k) & this.mask;
      out[2 * k] = this.a[i];
      out[2 * k + 1] = this.b[i];
    }
    this.read = this.write;
    return n;
  }
}
