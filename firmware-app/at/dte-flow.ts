import { FskDataPump } from '../../dsp/fsk/fsk-pump.ts';
import type { DataPump } from '../../dsp/pump.ts';
import { ByteRing } from '../../dsp/uart/byte-ring.ts';
import { V42DataPump } from '../../dsp/v42/v42-pump.ts';
import type { DtePort } from '../../hal/serial/dte-port.ts';

const XON = 0x11;
const XOFF = 0x13;
/** Bytes from the DTE waiting for the line, and from the line waiting for the DTE: bounded, both ways. */
export const UP_CAPACITY = 32768;
export const DOWN_CAPACITY = 16384;
/**
 * The back-stop for a DTE that ignores flow control (or &K0): stop reading the port here, and read again below
 * UP_LOW. The room above it takes what a pty already holds when reading stops (20 KiB on Linux 6.x, delivered in one
 * read), so no byte is lost to a writer that got ahead.
 */
const UP_HIGH = UP_CAPACITY - 24576;
const UP_LOW = 4096;
/**
 * Flow control stops the DTE once this much line time waits in the modem (its buffer, the pump's queue, the V.42
 * link's), and lets it go again at half. A Hayes 2400 buffered a second or two: more makes a file transfer's sender
 * run ahead of its receiver (sz waits for the acknowledgement of a ZEOF that is still 40 s away, and gives up).
 */
export const HOLD_LINE_MS = 1000;
const MIN_HOLD = 8;

/** Flow control between DTE and modem (&K): 0 none, 3 RTS/CTS, 4 XON/XOFF in band. */
export type FlowMode = 0 | 3 | 4;

/** The queue towards the line of the call in data mode, and how fast the line empties it. */
export interface LineQueue {
  readonly queue: ByteRing;
  /** Characters a second this end's transmitter sends (8N1 characters; V.42 frames carry about as many). */
  readonly charsPerSecond: number;
}

/** The DTE's characters a second that a pump's transmitter carries: its own channel's rate (V.23's 75 back). */
export function lineCharsPerSecond(pump: DataPump): number {
  const modem = pump instanceof V42DataPump ? pump.modem : pump;
  if (modem instanceof FskDataPump) return (modem.role === 'caller' ? modem.mode.caller : modem.mode.answerer).baud / 10;
  return pump.connectRate / 10;
}

/**
 * The data-mode buffers between the DTE port and the data pump, with flow control both ways. Towards the modem:
 * once a second of line time is queued (HOLD_LINE_MS) the DTE is stopped (CTS off with &K3, XOFF with &K4); a DTE
 * that goes on regardless fills the buffer until the port is no longer read, so it is held back by the port itself
 * rather than losing bytes. Towards the DTE, RTS off (&K3) or an XOFF from the DTE (&K4) holds received data, as
 * does a port that cannot take more.
 */
export class DteFlow {
  readonly up = new ByteRing(UP_CAPACITY);
  readonly down = new ByteRing(DOWN_CAPACITY);
  mode: FlowMode = 3;
  /** Bytes lost because a buffer was full (a DTE or a far end that ignored flow control). */
  lostUp = 0;
  lostDown = 0;
  /** The most DTE bytes waiting for the line in this call, and how often the DTE was stopped. */
  peakQueued = 0;
  holds = 0;
  private line: LineQueue | null = null;
  private gateAt = 0; // the port's own gate threshold (DtePort.gate), in bytes unread
  private dteHeld = false; // we stopped the DTE (CTS off, XOFF)
  private portPaused = false; // and stopped reading the port (the back-stop)
  private xoffFromDte = false; // the DTE stopped us (&K4)
  private portFull = false;
  private flushPending: NodeJS.Immediate | null = null;
  /** Hold received data back (online command mode: the DTE is talking to the interpreter). */
  held = false;

  constructor(
    private readonly port: DtePort,
    private readonly log: (line: string) => void = () => {},
  ) {
    port.onDrain(() => {
      this.portFull = false;
      this.flushDown();
    });
    port.lines.onChange((circuit) => {
      if (circuit === 'RTS') this.flushDown();
    });
  }

  /** Data mode begins: the DTE is held back by the line time queued towards `line`. */
  attachLine(line: LineQueue): void {
    this.line = line;
    this.peakQueued = 0;
    this.holds = 0;
    this.gateAt = 0;
  }

  /** DTE bytes waiting for the line: in this buffer and in the pump's (or V.42 link's) queue. */
  get queued(): number {
    return this.up.length + (this.line?.queue.length ?? 0);
  }

  /** Where the DTE is stopped: about HOLD_LINE_MS of line time. */
  get holdAt(): number {
    if (!this.line) return UP_HIGH;
    return Math.max(MIN_HOLD, Math.round((this.line.charsPerSecond * HOLD_LINE_MS) / 1000));
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
    const queued = this.queued;
    if (queued > this.peakQueued) this.peakQueued = queued;
    if (queued >= this.holdAt) this.holdDte();
    if (this.up.length >= UP_HIGH && !this.portPaused) {
      this.portPaused = true;
      this.port.pause();
    }
  }

  /** Move bytes from the DTE buffer to the line's queue; let the DTE go again once the line has taken enough. */
  toLine(queue: ByteRing): number {
    let moved = 0;
    while (this.up.length > 0 && queue.free > 0) {
      queue.push(this.up.shift());
      moved++;
    }
    if (this.portPaused && this.up.length <= UP_LOW) {
      this.portPaused = false;
      this.port.resume();
    }
    const holdAt = this.holdAt;
    if (this.queued <= holdAt / 2) {
      if (this.dteHeld) this.releaseDte();
      this.port.gate?.reopen();
    }
    const gateAt = this.mode === 3 && this.line ? holdAt : 0; // the port stops the DTE with CTS, early (&K3 only)
    if (gateAt !== this.gateAt) this.port.gate?.threshold((this.gateAt = gateAt));
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
    if (this.line && this.holds > 0) {
      const cps = this.line.charsPerSecond;
      this.log(
        `dte: the DTE was stopped ${this.holds} times; at most ${this.peakQueued} characters waited for the line (${(this.peakQueued / cps).toFixed(1)} s at ${cps} char/s)`,
      );
    }
    this.line = null;
    if (this.gateAt !== 0) this.port.gate?.threshold((this.gateAt = 0));
    this.port.gate?.reopen();
    this.up.clear();
    this.down.clear();
    this.xoffFromDte = false;
    this.held = false;
    if (this.dteHeld) this.releaseDte();
    if (this.portPaused) {
      this.portPaused = false;
      this.port.resume();
    }
  }

  /** CTS as the modem drives it with &K3 (on unless the DTE is held back). */
  get clearToSend(): boolean {
    return !this.dteHeld;
  }

  private holdDte(): void {
    if (this.dteHeld) return;
    this.dteHeld = true;
    this.holds++;
    if (this.mode === 3) this.port.lines.set('CTS', false);
    if (this.mode === 4) this.port.write(Buffer.from([XOFF]));
  }

  private releaseDte(): void {
    this.dteHeld = false;
    if (this.mode === 3) this.port.lines.set('CTS', true);
    if (this.mode === 4) this.port.write(Buffer.from([XON]));
  }
}
