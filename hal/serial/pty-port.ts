import { closeSync, existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import tty from 'node:tty';
import { fileURLToPath } from 'node:url';
import { SimulatedControlLines } from './control-lines.ts';
import type { DceCircuit } from './control-lines.ts';
import type { DtePort } from './dte-port.ts';
import { FdWriter } from './fd-writer.ts';

/** Towards the terminal, beyond the pty's own buffer: write() says "wait" at 16 KiB, bytes are dropped past 64 KiB. */
export const PTY_HIGH_WATER = 16384;
export const PTY_QUEUE_CAPACITY = 65536;

/** How often the port looks for a terminal while none has it open (or while reading is paused). */
const TERMINAL_POLL_MS = 50;

interface PtyAddon {
  openPty(): { master: number; path: string };
  dup(fd: number): number;
  hungUp(fd: number): boolean;
  suspendOutput(path: string, stop: boolean): void;
  discardInput(path: string): void;
  gateOpen(master: number, slavePath: string): number;
  gateThreshold(id: number, bytes: number): void;
  gateHolds(id: number): 0 | 1 | 2;
  gateClose(id: number): void;
}

function loadAddon(): PtyAddon {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const require = createRequire(import.meta.url);
  try {
    return require(resolve(root, 'build/Release/pty.node')) as PtyAddon;
  } catch (err) {
    throw new Error(`the pseudo-terminal addon is not built (run "npm ci" or "npm run install"): ${(err as Error).message}`);
  }
}

/**
 * Suspend or restart a terminal device's output (tcflow): what a DTE's UART does when CTS goes off and on. The pty
 * port does this for its own terminal; tests use it to give a DTE on a socat pty pair a transmitter that obeys CTS.
 */
export function suspendOutput(path: string, stop: boolean): void {
  loadAddon().suspendOutput(path, stop);
}

/** Drop what a terminal device holds unread (tcflush TCIFLUSH); tests clear a port between two programs with it. */
export function discardInput(path: string): void {
  loadAddon().discardInput(path);
}

/**
 * A pseudo-terminal's modem lines, simulated, with CTS made real: CTS off suspends the terminal's output in the
 * kernel (tcflow TCOOFF on the slave), so its write(2) waits as a UART's transmitter waits for CTS, whatever the
 * terminal program set. Stopping reading would not do: the pty holds 20 KiB unread (Linux 6.x), a minute at 2400.
 */
class PtyControlLines extends SimulatedControlLines {
  constructor(private readonly applyCts: (on: boolean) => void) {
    super();
  }

  override set(circuit: DceCircuit, on: boolean): void {
    const changed = this.get(circuit) !== on;
    super.set(circuit, on);
    if (changed && circuit === 'CTS') this.applyCts(on);
  }
}

/**
 * The simulated DTE port: a real pseudo-terminal. Terminal programs open its slave side (the path, or the stable
 * symlink); the daemon reads the master side through libuv and writes it with non-blocking write(2)s (FdWriter): a
 * terminal that stops reading fills the pty's buffer, then this port's queue, and write() returns false, so the
 * modem holds received data in its own buffers as it would for a DTE that dropped RTS; the daemon never waits.
 *
 * The daemon keeps no slave descriptor, so a terminal program opening the port is the DTE raising DTR, and the last
 * one closing it (the master reads EIO, polls POLLHUP) is DTR dropping: the modem acts per &D, as pppd and terminal
 * programs expect. What the modem writes while no terminal has the port open goes nowhere, as on a serial cable with
 * nobody at the far end, and what a terminal left unread is discarded when it leaves: the next one starts clean.
 */
export class PtyPort implements DtePort {
  readonly name: string;
  /** A pseudo-terminal has no modem lines: they are simulated (DTR follows the terminal's open and close). */
  readonly lines: PtyControlLines;
  private readonly addon = loadAddon();
  private readonly master: number;
  private stream: tty.ReadStream | null = null;
  private readonly writer: FdWriter;
  private readonly dataListeners: Array<(data: Uint8Array) => void> = [];
  private readonly drainListeners: Array<() => void> = [];
  private readonly link?: string;
  private readonly watch: NodeJS.Timeout;
  private paused = false;
  private closed = false;
  private readonly gateId: number;
  /** The CTS gate (hal/serial/native/cts-gate.c): a thread that stops the terminal the moment too much waits unread. */
  readonly gate = {
    threshold: (bytes: number): void => this.addon.gateThreshold(this.gateId, bytes),
    reopen: (): void => {
      if (this.addon.gateHolds(this.gateId) === 2 && this.lines.get('CTS') && this.present) this.setTerminalOutput(true);
    },
  };

  constructor(
    linkPath?: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    const { master, path } = this.addon.openPty();
    this.name = path;
    this.master = master;
    this.lines = new PtyControlLines((on) => this.present && this.setTerminalOutput(on));
    this.lines.setDte('DTR', false); // no terminal has the port open yet
    this.writer = new FdWriter(master, {
      highWater: PTY_HIGH_WATER,
      capacity: PTY_QUEUE_CAPACITY,
      onDrain: () => this.drainListeners.forEach((l) => l()),
      onOverflow: () =>
        log(`dte: ${path}: the terminal is not reading and the port's ${PTY_QUEUE_CAPACITY / 1024} KiB buffer is full: characters for it are dropped`),
      onRecovered: (n) => log(`dte: ${path}: the terminal reads again; ${n} characters were dropped (${this.writer.dropped} since start)`),
    });
    if (linkPath) {
      this.link = resolve(linkPath);
      mkdirSync(dirname(this.link), { recursive: true });
      if (existsSync(this.link) || isSymlink(this.link)) unlinkSync(this.link);
      symlinkSync(path, this.link);
    }
    this.watch = setInterval(() => this.lookForTerminal(), TERMINAL_POLL_MS);
    this.gateId = this.addon.gateOpen(master, path);
  }

  get linkPath(): string | undefined {
    return this.link;
  }

  /** A terminal program has the port open (DTR on). */
  get present(): boolean {
    return this.stream !== null;
  }

  onData(listener: (data: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  write(data: Uint8Array | string): boolean {
    if (!this.stream && !this.closed) {
      if (this.addon.hungUp(this.master)) return true; // nobody there: gone, as down a cable with nobody at the end
      this.terminalArrived(); // opened since the last look
    }
    return this.writer.write(typeof data === 'string' ? Buffer.from(data) : data);
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  /** Characters for the terminal dropped because it did not read and the port's buffer was full. */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Characters waiting in the port's buffer for the terminal to read (beyond the pty's own buffer). */
  get pending(): number {
    return this.writer.pending;
  }

  pause(): void {
    this.paused = true;
    this.stream?.pause();
  }

  resume(): void {
    this.paused = false;
    this.stream?.resume();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watch);
    this.addon.gateClose(this.gateId);
    this.writer.close();
    this.stream?.destroy();
    this.stream = null;
    closeSync(this.master);
    // Only our own link: a link another daemon has made since (or pointed elsewhere) is not ours to remove.
    if (this.link && linkTarget(this.link) === this.name) unlinkSync(this.link);
  }

  /**
   * No terminal: wait for one (the master stops reporting POLLHUP). Reading paused: a terminal that left meanwhile
   * produces no EIO until reading resumes, so look here too.
   */
  private lookForTerminal(): void {
    if (this.closed) return;
    const hungUp = this.addon.hungUp(this.master);
    if (!this.stream && !hungUp) this.terminalArrived();
    else if (this.stream && this.paused && hungUp) this.terminalLeft();
  }

  private terminalArrived(): void {
    this.setTerminalOutput(this.lines.get('CTS')); // not a CTS stop left over from the last terminal
    const stream = new tty.ReadStream(this.addon.dup(this.master));
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => {
      // Bytes while CTS is off: the terminal may have restarted its own output (sz does, TCXONC at start): stop it again.
      if (!this.lines.get('CTS')) this.setTerminalOutput(false);
      for (const l of this.dataListeners) l(chunk);
    });
    // EIO: the last terminal closed the port. The stream closes its own descriptor (a duplicate of the master).
    const left = (): void => void (this.stream === stream && this.terminalLeft());
    stream.on('error', left);
    stream.on('end', left);
    if (this.paused) stream.pause();
    this.lines.setDte('DTR', true);
  }

  private terminalLeft(): void {
    if (!this.stream) return;
    this.stream.destroy();
    this.stream = null;
    this.writer.discard();
    try {
      this.addon.discardInput(this.name); // what it left unread
    } catch (err) {
      this.log(`dte: ${this.name}: ${(err as Error).message}`);
    }
    this.log(`dte: ${this.name}: the terminal closed the port (DTR off)`);
    this.lines.setDte('DTR', false);
  }

  /** CTS to the terminal; on only once what the gate stopped it for has been read. */
  private setTerminalOutput(on: boolean): void {
    if (on && this.addon.gateHolds(this.gateId) === 1) return; // reopen() restarts it once that has been read
    try {
      this.addon.suspendOutput(this.name, !on);
    } catch (err) {
      this.log(`dte: ${this.name}: CTS ${on ? 'on' : 'off'} not applied: ${(err as Error).message}`);
    }
  }
}

function linkTarget(p: string): string | null {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
