/** A bounded first-in first-out queue of Int16 samples; allocation only at construction. */
export class SampleFifo {
  private readonly buf: Int16Array;
  private head = 0; // next sample to read
  private count = 0;

  constructor(readonly capacity: number) {
    this.buf = new Int16Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends `n` samples; if they do not fit, the oldest are dropped. Returns how many were dropped. */
  push(src: Int16Array, n: number): number {
    let dropped = 0;
    if (n > this.capacity) {
      dropped += n - this.capacity;
      src = src.subarray(n - this.capacity, n);
      n = this.capacity;
    }
    const over = this.count + n - this.capacity;
    if (over > 0) dropped += this.discard(over);
    let tail = (this.head + this.count) % this.capacity;
    for (let i = 0; i < n; i++) {
      this.buf[tail] = src[i];
      tail = tail + 1 === this.capacity ? 0 : tail + 1;
    }
    this.count += n;
    return dropped;
  }

  /** Moves `n` samples into `dst` if there are that many; false (and nothing moved) otherwise. */
  pop(dst: Int16Array, n: number): boolean {
    if (this.count < n) return false;
    let head = this.head;
    for (let i = 0; i < n; i++) {
      dst[i] = this.buf[head];
      head = head + 1 === this.capacity ? 0 : head + 1;
    }
    this.head = head;
    this.count -= n;
    return true;
  }

  /** Drops the `n` oldest samples (fewer if there are fewer); returns how many. */
  discard(n: number): number {
    const k = Math.min(n, this.count);
    this.head = (this.head + k) % this.capacity;
    this.count -= k;
    return k;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
