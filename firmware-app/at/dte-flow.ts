import { ByteRing } from '../../dsp/uart/byte-ring.ts';
import type { DtePort } from '../../hal/serial/dte-port.ts';

const XON = 0x11;
const XOFF = 0x13;
/** Bytes from the DTE waiting for the line, and from the line waiting for the DTE: bounded, both ways. */
export const UP_CAPACITY = 16384;
export const DOWN_CAPACITY = 16384;
const UP_HIGH = UP_CAPACITY - 4096; // stop the DTE here: room for what a UART FIFO and the PTY still deliver
const UP_LOW = UP_CAPACITY / 4; // and let it go again here

/** Flow control between DTE and modem (&K): 0 none, 3 RTS/CTS, 4 XON/XOFF in band. */
export type FlowMode = 0 | 3 | 4;

/**
 * The data-mode buffers between the DTE port and the data pump, with flow control both ways. Towards the modem,
 * a filling buffer stops the DTE (CTS off with &K3, XOFF with &K4) and stops reading the port, so even a DTE that
 * ignores flow control is held back by the port itself rather than losing bytes. Towards the DTE, RTS off (&K3) or
 * an XOFF from the DTE (&K4) holds received data, as does a port that cannot take more.
 */
export class DteFlow {
  readonly up = new ByteRing(UP_CAPACITY);
  readonly down = new ByteRing(DOWN_CAPACITY);
  mode: FlowMode = 3;
  /** Bytes lost because a buffer was full (a DTE or a far end that ignored flow control). */
  lostUp = 0;
  lostDown = 0;
  private dteHeld = false; // we stopped the DTE
  private xoffFromDte = false; // the DTE stopped us (&K4)
  private portFull = false;
  private flushPending: NodeJS.Immediate | null = null;
  /** Hold received data back (online command mode: the DTE is talking to the interpreter). */
  held = false;

  constructor(private readonly port: DtePort) {
    port.onDrain(() => {
      this.portFull = false;
      this.flushDown();
    });
    port.lines.onChange((circuit) => {
      if (circuit === 'RTS') this.flushDown();
    });
  }

  /** Data-mode bytes from the DTE; XON/XOFF are taken out of the stream with &K4 (their parity bit ignored). */
  fromDte(data: Uint8Array): void {
    for (const b of data) {
      const c = this.mode === 4 ? b & 0x7f : -1;
      if (c === XOFF) this.xoffFromDte = true;
      else if (c === XON) {
        this.xoffFromDte = false;
        this.flushDown();
      } else if (!this.up.push(b)) this.lostUp++;
    }
    if (this.up.length >= UP_HIGH) this.holdDte();
  }

  /** Move bytes from the DTE buffer to the line's queue; restart the DTE once the buffer has drained. */
  toLine(queue: ByteRing): number {
    let moved = 0;
    while (this.up.length > 0 && queue.free > 0) {
      queue.push(this.up.shift());
      moved++;
    }
    if (this.dteHeld && this.up.length <= UP_LOW) this.releaseDte();
    return moved;
  }

  /**
   * Bytes received from the line, for the DTE. They are written once per turn of the event loop rather than once
   * per frame: at 300 bit/s a frame carries less than a byte, and a write(2) per frame cost the fast clock 15% of
   * its time; a paced clock turns the loop every frame, so the DTE sees no added delay.
   */
  fromLine(data: Uint8Array): void {
    const n = this.down.write(data);
    this.lostDown += data.length - n;
    this.flushPending ??= setImmediate(() => {
      this.flushPending = null;
      this.flushDown();
    });
  }

  /** May the modem send to the DTE now? */
  get dteReady(): boolean {
    if (this.portFull || this.xoffFromDte) return false;
    return this.mode !== 3 || this.port.lines.get('RTS');
  }

  /** Send what the DTE will take. */
  flushDown(): void {
    while (!this.held && this.down.length > 0 && this.dteReady) {
      if (!this.port.write(Buffer.from(this.down.take(1024)))) this.portFull = true;
    }
  }

  /** Back to command mode or on hook: everything buffered is dropped and the DTE may send again. */
  reset(): void {
    if (this.flushPending) {
      // What the line delivered before the call ended still goes to the DTE, ahead of NO CARRIER.
      clearImmediate(this.flushPending);
      this.flushPending = null;
      this.flushDown();
    }
    this.up.clear();
    this.down.clear();
    this.xoffFromDte = false;
    this.held = false;
    if (this.dteHeld) this.releaseDte();
  }

  /** CTS as the modem drives it with &K3 (on unless the buffer is full). */
  get clearToSend(): boolean {
    return !this.dteHeld;
  }

  private holdDte(): void {
    if (this.dteHeld) return;
    this.dteHeld = true;
    if (this.mode === 3) this.port.lines.set('CTS', false);
    if (this.mode === 4) this.port.write(Buffer.from([XOFF]));
    this.port.pause();
  }

  private releaseDte(): void {
    this.dteHeld = false;
    if (this.mode === 3) this.port.lines.set('CTS', true);
    if (this.mode === 4) this.port.write(Buffer.from([XON]));
    this.port.resume();
  }
}
