/**
 * The data pump of a call that carries bytes, not audio (an Internet call): it has the shape of dsp/'s DataPump,
 * so the modem's data mode (DTE flow control, the +++ guard time, ATO, ATH, DCD, the LEDs) runs unchanged, but
 * no modulation: each 20 ms frame it moves bytes between the modem's rings and the connection, paced to a line
 * rate (10 bits a character, as an 8N1 async line) when one is set. Its frames are silence.
 */
import { ByteRing } from '../../../dsp/uart/byte-ring.ts';
import type { DataPump, PumpRole } from '../../../dsp/pump.ts';

/** What the pump writes to and is fed by: a TCP connection, with telnet in between or not. */
export interface ByteConnection {
  /** Send data; false when the connection's buffer is full (wait for `drained`). */
  write(data: Uint8Array): boolean;
  /** Stop or restart reading the connection (the far end is then held back by TCP's own flow control). */
  pause(): void;
  resume(): void;
}

const RING = 16384;
/** Received bytes held beyond the pump's ring before the connection is paused. */
const BACKLOG_HIGH = 65536;
const FRAME_MS = 20;
const BITS_PER_CHAR = 10;

export class ByteLine implements DataPump {
  state: 'connected' | 'carrier-lost' = 'connected';
  readonly tx = {
    queue: new ByteRing(RING),
    get busy(): boolean {
      return this.queue.length > 0;
    },
  };
  readonly rx = new ByteRing(RING);
  readonly rxLevelDbm0 = 0; // no audio: nothing is received below full digital level
  readonly overruns = 0;
  readonly framingErrors = 0;
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;
  private paused = false;
  private blocked = false; // the connection's send buffer is full
  private gone = false;
  private upCredit = 0; // bits the line may still carry this frame, each way
  private downCredit = 0;
  private sendPending: NodeJS.Immediate | null = null;

  /**
   * `rate`: bit/s the data is paced at (null: not paced, as fast as the rings allow); `connectRate`: what CONNECT
   * reports.
   */
  constructor(
    readonly role: PumpRole,
    private readonly conn: ByteConnection,
    private readonly rate: number | null,
    readonly connectRate: number,
  ) {}

  get carrier(): boolean {
    return this.state === 'connected';
  }

  /** Data from the far end (already decoded from telnet). */
  deliver(data: Uint8Array): void {
    if (data.length === 0 || this.gone) return;
    this.backlog.push(data);
    this.backlogBytes += data.length;
    if (this.backlogBytes >= BACKLOG_HIGH && !this.paused) {
      this.paused = true;
      this.conn.pause();
    }
  }

  /** The connection can take more. */
  drained(): void {
    this.blocked = false;
  }

  /** The far end closed: what it sent still reaches the DTE, then the carrier drops. */
  farEndGone(): void {
    this.gone = true;
  }

  /** Bytes the far end sent that have not yet reached the modem. */
  get pending(): number {
    return this.backlogBytes + this.rx.length;
  }

  process(_rxAudio: Int16Array, txAudio: Int16Array): void {
    txAudio.fill(0);
    const perFrame = this.rate === null ? Infinity : (this.rate * FRAME_MS) / 1000;
    this.upCredit = Math.min(this.upCredit + perFrame, 2 * perFrame); // no bursts to catch up after a stall
    this.downCredit = Math.min(this.downCredit + perFrame, 2 * perFrame);
    this.sendUp();
    this.moveDown();
    if (this.gone && this.backlogBytes === 0 && this.rx.length === 0) this.state = 'carrier-lost';
    // The modem fills tx.queue right after this frame (moveData): send that too once it has, within this frame's
    // budget, rather than a frame later. It halves the round trip of a protocol that waits for acknowledgements.
    this.sendPending ??= setImmediate(() => {
      this.sendPending = null;
      this.sendUp();
    });
  }

  private sendUp(): void {
    if (this.gone || this.blocked) return;
    const chars = Math.min(this.tx.queue.length, Math.floor(this.upCredit / BITS_PER_CHAR));
    if (chars <= 0) return;
    if (this.rate !== null) this.upCredit -= chars * BITS_PER_CHAR;
    if (!this.conn.write(this.tx.queue.take(chars))) this.blocked = true;
  }

  private moveDown(): void {
    let chars = Math.min(this.rx.free, Math.floor(this.downCredit / BITS_PER_CHAR), this.backlogBytes);
    if (this.rate !== null) this.downCredit -= chars * BITS_PER_CHAR;
    while (chars > 0) {
      const head = this.backlog[0];
      const n = this.rx.write(head, 0, Math.min(chars, head.length));
      chars -= n;
      this.backlogBytes -= n;
      if (n === head.length) this.backlog.shift();
      else this.backlog[0] = head.subarray(n);
    }
    if (this.paused && this.backlogBytes < BACKLOG_HIGH / 2 && !this.gone) {
      this.paused = false;
      this.conn.resume();
    }
  }
}
