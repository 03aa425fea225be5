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
}

/**
 * The real DTE port: the Pi's UART through serialport, raw 8N1. 7E1 and 7O1 terminals need no change of UART
 * framing: their 10-bit characters are 8N1 characters whose eighth bit is the parity, which the AT interpreter
 * detects and generates itself (as the 1990 modems did), so one UART setting serves all three framings.
 */
export class SerialPortDte implements DtePort {
  readonly name: string;
  readonly lines: ControlLines;
  private readonly port: SerialPort;
  private rate: number;

  private constructor(port: SerialPort, opts: SerialPortDteOptions) {
    this.port = port;
    this.name = opts.path;
    this.rate = opts.baudRate;
    this.lines = opts.lines ?? new SimulatedControlLines();
    port.on('error', () => {}); // a serial error must not kill the daemon; reads and writes report their own
  }

  static async open(opts: SerialPortDteOptions): Promise<SerialPortDte> {
    const port = new SerialPort({
      path: opts.path,
      baudRate: opts.baudRate,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      rtscts: opts.rtscts,
      hupcl: false,
      autoOpen: false,
    });
    await new Promise<void>((res, rej) => port.open((err) => (err ? rej(new Error(`${opts.path}: ${err.message}`)) : res())));
    return new SerialPortDte(port, opts);
  }

  /** The DTE speed now (bit/s). */
  get speed(): number {
    return this.rate;
  }

  /** Change the DTE speed once everything queued has gone out at the old one (V.250 §6.2.10: the OK first). */
  async setSpeed(bps: number): Promise<void> {
    if (!(DTE_SPEEDS as readonly number[]).includes(bps)) throw new RangeError(`unsupported DTE speed ${bps}`);
    await new Promise<void>((res) => this.port.drain(() => res()));
    // Not port.update(): it flushes both queues (tcflush TCIOFLUSH), and bytes still in a pty or FIFO would be lost.
    const fd = (this.port.port as { fd?: number | null } | undefined)?.fd;
    if (typeof fd !== 'number') throw new Error(`${this.name} is not open`);
    termiosSpeed()(fd, bps);
    this.rate = bps;
  }

  onData(listener: (data: Uint8Array) => void): void {
    this.port.on('data', (chunk: Buffer) => listener(chunk));
  }

  write(data: Uint8Array | string): boolean {
    return this.port.write(data);
  }

  onDrain(listener: () => void): void {
    this.port.on('drain', listener);
  }

  pause(): void {
    this.port.pause();
  }

  resume(): void {
    this.port.resume();
  }

  close(): void {
    if (this.port.isOpen) this.port.close(() => {});
    (this.lines as { close?: () => void }).close?.();
  }
}
