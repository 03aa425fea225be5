import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { SimulatedControlLines } from './control-lines.ts';
import type { ControlLines } from './control-lines.ts';
import type { DtePort } from './dte-port.ts';

/** setSpeed() of the serial C addon (hal/serial/native/pty.c): termios speed, no flush. */
function termiosSpeed(): (fd: number, bps: number) => void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  return (createRequire(import.meta.url)(resolve(root, 'build/Release/pty.node')) as { setSpeed: (fd: number, bps: number) => void }).setSpeed;
}

/** DTE speeds a Hayes-compatible modem of the era and V.250 +IPR offer. */
export const DTE_SPEEDS = [300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

export interface SerialPortDteOptions {
  /** The UART, /dev/serial0 on a Pi. */
  path: string;
  baudRate: number;
  /**
   * RTS/CTS on the UART's own pins (GPIO 16/17 in ALT3 on Pi 0–4): the kernel stops sending while the DTE holds
   * RTS off, and drops the modem's CTS when its receive buffer fills (the modem stops reading when its own buffer
   * is full, see DteFlow). Then CTS and RTS are not GPIO pins.
   */
  rtscts: boolean;
  /** DCD, DSR, RI (, CTS), DTR (, RTS) on GPIO; without, they are simulated (a three-wire cable). */
  lines?: ControlLines;
  /** Where a missing or lost UART is reported. */
  log?: (line: string) => void;
}

/** How often a UART that is missing or went away (a USB adapter pulled, a pty's far end closed) is tried again. */
const REOPEN_MS = 2000;

/**
 * The real DTE port: the Pi's UART through serialport, raw 8N1. 7E1 and 7O1 terminals need no change of UART
 * framing: their 10-bit characters are 8N1 characters whose eighth bit is the parity, which the AT interpreter
 * detects and generates itself (as the 1990 modems did), so one UART setting serves all three framings.
 *
 * A UART that is missing at start or goes away later is not fatal: the daemon runs on, the port is opened again
 * every REOPEN_MS, and while it is gone the DTE counts as having dropped DTR (the call is handled per &D) on a
 * three-wire cable, whose DTR is simulated; characters for the missing DTE are dropped.
 */
export class SerialPortDte implements DtePort {
  readonly name: string;
  readonly lines: ControlLines;
  private port: SerialPort | null = null;
  private rate: number;
  private readonly dataListeners: ((data: Uint8Array) => void)[] = [];
  private readonly drainListeners: (() => void)[] = [];
  private paused = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private lastProblem: string | null = null;
  private readonly log: (line: string) => void;

  private constructor(private readonly opts: SerialPortDteOptions) {
    this.name = opts.path;
    this.rate = opts.baudRate;
    this.lines = opts.lines ?? new SimulatedControlLines();
    this.log = opts.log ?? (() => {});
  }

  /** Opens the UART; when it cannot be opened yet, logs why and keeps trying in the background. */
  static async open(opts: SerialPortDteOptions): Promise<SerialPortDte> {
    const dte = new SerialPortDte(opts);
    await dte.reopen();
    return dte;
  }

  /** Whether the UART is open now. */
  get present(): boolean {
    return this.port?.isOpen ?? false;
  }

  private async reopen(): Promise<void> {
    const port = new SerialPort({
      path: this.opts.path,
      baudRate: this.rate,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      rtscts: this.opts.rtscts,
      hupcl: false,
      autoOpen: false,
    });
    port.on('error', () => {}); // a serial error must not kill the daemon; a lost port also closes
    try {
      await new Promise<void>((res, rej) => port.open((err) => (err ? rej(err) : res())));
    } catch (err) {
      const why = (err as Error).message;
      if (why !== this.lastProblem) this.log(`dte: ${this.name}: cannot open (${why}); trying again every ${REOPEN_MS / 1000} s`);
      this.lastProblem = why;
      this.scheduleReopen();
      return;
    }
    if (this.closed) {
      port.close(() => {});
      return;
    }
    if (this.lastProblem) this.log(`dte: ${this.name} is back`);
    this.lastProblem = null;
    this.port = port;
    port.on('data', (chunk: Buffer) => this.dataListeners.forEach((l) => l(chunk)));
    port.on('drain', () => this.drainListeners.forEach((l) => l()));
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => this.lost(port, err));
    if (this.paused) port.pause();
    if (this.lines instanceof SimulatedControlLines) this.lines.setDte('DTR', true);
  }

  private lost(port: SerialPort, err: Error | null): void {
    if (this.closed || this.port !== port) return;
    this.port = null;
    const why = err?.message ?? 'closed';
    this.lastProblem = why;
    this.log(`dte: ${this.name} went away (${why}): DTR off for the modem; trying again every ${REOPEN_MS / 1000} s`);
    // A three-wire cable's DTR is ours to simulate: the DTE is gone, as if it dropped DTR.
    if (this.lines instanceof SimulatedControlLines) this.lines.setDte('DTR', false);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.reopen();
    }, REOPEN_MS);
  }

  /** The DTE speed now (bit/s). */
  get speed(): number {
    return this.rate;
  }

  /** Change the DTE speed once everything queued has gone out at the old one (V.250 §6.2.10: the OK first). */
  async setSpeed(bps: number): Promise<void> {
    if (!(DTE_SPEEDS as readonly number[]).includes(bps)) throw new RangeError(`unsupported DTE speed ${bps}`);
    const port = this.port;
    if (!port) {
      this.rate = bps; // used when the port opens again
      return;
    }
    await new Promise<void>((res) => port.drain(() => res()));
    // Not port.update(): it flushes both queues (tcflush TCIOFLUSH), and bytes still in a pty or FIFO would be lost.
    const fd = (port.port as { fd?: number | null } | undefined)?.fd;
    if (typeof fd !== 'number') throw new Error(`${this.name} is not open`);
    termiosSpeed()(fd, bps);
    this.rate = bps;
  }

  onData(listener: (data: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  write(data: Uint8Array | string): boolean {
    // No DTE to write to: dropped (it could not have read them), and no backpressure that would never clear.
    if (!this.port?.isOpen) return true;
    return this.port.write(data);
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  pause(): void {
    this.paused = true;
    this.port?.pause();
  }

  resume(): void {
    this.paused = false;
    this.port?.resume();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.port?.isOpen) this.port.close(() => {});
    this.port = null;
    (this.lines as { close?: () => void }).close?.();
  }
}
