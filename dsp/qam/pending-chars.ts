import type { ByteRing } from '../uart/byte-ring.ts';

/**
 * Received characters held back a few frames before they go to the DTE, so that what turns out not to be data (the
 * noise after a carrier stops, what a retrain's S1 or a fallback made of the data) can still be taken back. Each
 * character keeps the frame and the received-symbol count at which it was decoded.
 */
export class PendingChars {
  private readonly chars = new Uint8Array(64);
  private readonly frame = new Int32Array(64);
  private readonly symbol = new Int32Array(64);
  private count = 0;
  /** Characters lost because the DTE-side ring was full. */
  overruns = 0;

  constructor(private readonly rx: ByteRing) {}

  push(b: number, frame: number, symbol: number): void {
    if (this.count === this.chars.length) this.commit(frame); // full: let the oldest go
    this.chars[this.count] = b;
    this.frame[this.count] = frame;
    this.symbol[this.count++] = symbol;
  }

  /** Move the characters decoded in frames up to `upTo` into rx, keeping the younger ones pending, in order. */
  commit(upTo: number): void {
    let k = 0;
    while (k < this.count && this.frame[k] <= upTo) {
      if (!this.rx.push(this.chars[k])) this.overruns++;
      k++;
    }
    if (k === 0) return;
    this.chars.copyWithin(0, k, this.count);
    this.frame.copyWithin(0, k, this.count);
    this.symbol.copyWithin(0, k, this.count);
    this.count -= k;
  }

  /** Forget the pending characters decoded at or after received symbol `from`. */
  dropFrom(from: number): void {
    while (this.count > 0 && this.symbol[this.count - 1] >= from) this.count--;
  }

  clear(): void {
    this.count = 0;
  }
}
