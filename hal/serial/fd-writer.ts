import { writeSync } from 'node:fs';

/** The first retry after the descriptor refused bytes (EAGAIN), and the longest wait between retries. */
const FIRST_RETRY_MS = 1;
const MAX_RETRY_MS = 32;

export interface FdWriterOptions {
  /** write() returns false once this many bytes wait in the queue; 'drain' follows when it has emptied. */
  highWater: number;
  /** The queue never holds more than this: what does not fit is dropped and counted. */
  capacity: number;
  onDrain: () => void;
  /** The queue was full and bytes were dropped (called once per episode: until the queue falls below highWater). */
  onOverflow?: (dropped: number) => void;
  /** The queue fell below highWater after an overflow; `dropped` is the episode's total. */
  onRecovered?: (dropped: number) => void;
}

/**
 * Writes to a non-blocking file descriptor without ever blocking the event loop. Node streams cannot do this for a
 * pseudo-terminal master: libuv cannot reopen one, so it writes a TTY handle in blocking mode, and a terminal that
 * stops reading would stall the whole daemon once the pty's buffer is full. Here each write(2) either takes bytes or
 * says EAGAIN; what it does not take waits in a bounded queue, retried on a timer (backing off while the reader
 * stays away). Like a UART's transmit FIFO towards a DTE that has gone away, the queue has a fixed size: beyond it
 * bytes are dropped, and counted, never silently.
 */
export class FdWriter {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  private wantDrain = false;
  private episodeDropped = 0;
  private closed = false;
  /** Bytes dropped because the queue was full, since the writer was made. */
  dropped = 0;
  /** The last error other than EAGAIN that a write met, for diagnosis. */
  lastError: string | null = null;

  constructor(
    private readonly fd: number,
    private readonly o: FdWriterOptions,
  ) {}

  /** Bytes waiting for the descriptor. */
  get pending(): number {
    return this.queued;
  }

  /** Queue bytes (written at once when nothing waits); false when the caller should wait for onDrain. */
  write(data: Uint8Array): boolean {
    if (this.closed) return false;
    let rest = data;
    if (this.queued === 0) rest = rest.subarray(this.writeSome(rest));
    if (rest.length > 0) this.enqueue(rest);
    const ok = this.queued < this.o.highWater;
    if (!ok) this.wantDrain = true;
    return ok;
  }

  /** Stop: what is queued is discarded, no timer is left. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.queued = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private enqueue(bytes: Uint8Array): void {
    const fits = Math.min(bytes.length, this.o.capacity - this.queued);
    if (fits > 0) {
      this.queue.push(Buffer.from(bytes.subarray(0, fits))); // a copy: the caller may reuse its buffer
      this.queued += fits;
    }
    const lost = bytes.length - fits;
    if (lost > 0) {
      if (this.episodeDropped === 0) this.o.onOverflow?.(lost);
      this.episodeDropped += lost;
      this.dropped += lost;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queued === 0) return;
    this.timer = setTimeout(() => this.flush(), this.retryMs);
  }

  private flush(): void {
    this.timer = null;
    if (this.closed) return;
    let progressed = false;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const n = this.writeSome(head);
      if (n > 0) progressed = true;
      this.queued -= n;
      if (n < head.length) {
        this.queue[0] = head.subarray(n);
        break;
      }
      this.queue.shift();
    }
    this.retryMs = progressed ? FIRST_RETRY_MS : Math.min(this.retryMs * 2, MAX_RETRY_MS);
    if (this.episodeDropped > 0 && this.queued < this.o.highWater) {
      this.o.onRecovered?.(this.episodeDropped);
      this.episodeDropped = 0;
    }
    if (this.queued > 0) return this.schedule();
    if (this.wantDrain) {
      this.wantDrain = false;
      this.o.onDrain();
    }
  }

  /** write(2) until the descriptor refuses (EAGAIN) or all is written; returns how many bytes it took. */
  private writeSome(bytes: Uint8Array): number {
    let done = 0;
    while (done < bytes.length) {
      try {
        const n = writeSync(this.fd, bytes, done, bytes.length - done);
        if (n <= 0) break;
        done += n;
      } catch (err) {
        // EAGAIN: the reader is behind. Anything else (EIO while no terminal has the port open) is retried the same.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') this.lastError = (err as Error).message;
        break;
      }
    }
    return done;
  }
}
