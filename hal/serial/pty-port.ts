import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import tty from 'node:tty';
import { fileURLToPath } from 'node:url';
import { SimulatedControlLines } from './control-lines.ts';
import type { DtePort } from './dte-port.ts';

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
 * symlink); the daemon reads and writes the master side.
 */
export class PtyPort implements DtePort {
  readonly name: string;
  /** A pseudo-terminal has no modem lines: they are simulated, and tests drive DTR and RTS here. */
  readonly lines = new SimulatedControlLines();
  private readonly stream: tty.ReadStream;
  private readonly slaveFd: number;
  private readonly link?: string;

  constructor(linkPath?: string) {
    const { master, slave, path } = loadAddon().openPty();
    this.name = path;
    this.slaveFd = slave;
    this.stream = new tty.ReadStream(master);
    this.stream.on('error', () => {}); // EIO when the last terminal closes is not an error for a modem
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
    // tty.ReadStream is a net.Socket underneath: writable on the master fd.
    return (this.stream as unknown as NodeJS.WritableStream).write(data as Uint8Array);
  }

  onDrain(listener: () => void): void {
    this.stream.on('drain', listener);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  close(): void {
    this.stream.destroy();
    if (this.link && isSymlink(this.link)) unlinkSync(this.link);
  }

  get slave(): number {
    return this.slaveFd;
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
