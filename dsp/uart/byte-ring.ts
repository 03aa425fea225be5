/** Bounded FIFO of bytes: the buffers between the DTE and the data pump. */
export class ByteRing {
  private readonly buf: Uint8Array;
  private head = 0; // next read
  private count = 0;

  constructor(readonly capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  get free(): number {
    return this.capacity - this.count;
  }

  /** Append as many bytes as fit; returns how many were taken. */
  write(data: ArrayLike<number>, start = 0, end = data.length): number {
    const n = Math.min(end - start, this.capacity - this.count);
    let tail = (this.head + this.count) % this.capacity;
    for (let i = 0; i < n; i++) {
      this.buf[tail] = data[start + i];
      tail = tail + 1 === this.capacity ? 0 : tail + 1;
    }
    this.count += n;
    return n;
  }

  push(byte: number): boolean {
    if (this.count === this.capacity) return false;
    this.buf[(this.head + this.count) % this.capacity] = byte;
    this.count++;
    return true;
  }

  /** Remove and return the oldest byte, or -1 when empty. */
  shift(): number {
    if (this.count === 0) return -1;
    const b = this.buf[this.head];
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    return b;
  }

  /** Remove up to `max` bytes into a new array (used off the per-sample path). */
  take(max = this.count): Uint8Array {
    const n = Math.min(max, this.count);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.shift();
    return out;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
