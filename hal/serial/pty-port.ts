import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import tty from 'node:tty';
import { fileURLToPath } from 'node:url';
import { SimulatedControlLines } from './control-lines.ts';
import type { DtePort } from './dte-port.ts';
import { FdWriter } from './fd-writer.ts';

/** Towards the terminal, beyond the pty's own buffer: write() says "wait" at 16 KiB, bytes are dropped past 64 KiB. */
export const PTY_HIGH_WATER = 16384;
export const PTY_QUEUE_CAPACITY = 65536;

interface PtyAddon {
  openPty(): { master: number; slave: number; path: string };
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
 * The simulated DTE port: a real pseudo-terminal. Terminal programs open its slave side (the path, or the stable
 * symlink); the daemon reads the master side through libuv and writes it with non-blocking write(2)s (FdWriter): a
 * terminal that stops reading fills the pty's buffer, then this port's queue, and write() returns false, so the
 * modem holds received data in its own buffers as it would for a DTE that dropped RTS; the daemon never waits.
 */
export class PtyPort implements DtePort {
  readonly name: string;
  /** A pseudo-terminal has no modem lines: they are simulated, and tests drive DTR and RTS here. */
  readonly lines = new SimulatedControlLines();
  private readonly stream: tty.ReadStream;
  private readonly writer: FdWriter;
  private readonly drainListeners: Array<() => void> = [];
  private readonly slaveFd: number;
  private readonly link?: string;

  constructor(linkPath?: string, log: (line: string) => void = () => {}) {
    const { master, slave, path } = loadAddon().openPty();
    this.name = path;
    this.slaveFd = slave;
    this.stream = new tty.ReadStream(master);
    this.stream.on('error', () => {}); // EIO when the last terminal closes is not an error for a modem
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
  }

  get linkPath(): string | undefined {
    return this.link;
  }

  onData(listener: (data: Uint8Array) => void): void {
    this.stream.on('data', (chunk: Buffer) => listener(chunk));
  }

  write(data: Uint8Array | string): boolean {
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
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  close(): void {
    this.writer.close();
    this.stream.destroy();
    // Only our own link: a link another daemon has made since (or pointed elsewhere) is not ours to remove.
    if (this.link && linkTarget(this.link) === this.name) unlinkSync(this.link);
  }

  get slave(): number {
    return this.slaveFd;
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
