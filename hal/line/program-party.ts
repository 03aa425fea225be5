import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { FRAME_SAMPLES } from '../../dsp/q15.ts';
import type { FarParty } from './far-party.ts';

const FRAME_BYTES = FRAME_SAMPLES * 2;

/** Reads exact 320-byte frames from a byte stream, waiting for the rest of a frame when it arrives split. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | null = null;
  ended = false;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Fill `out` with the next frame (S16LE); false at end of stream. */
  async read(out: Int16Array): Promise<boolean> {
    while (this.buffered < FRAME_BYTES) {
      if (this.ended) return false;
      await new Promise<void>((r) => (this.waiter = r));
    }
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = all.readInt16LE(2 * i);
    const rest = all.subarray(FRAME_BYTES);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return true;
  }
}

export function frameToBuffer(frame: Int16Array): Buffer {
  const b = Buffer.allocUnsafe(FRAME_BYTES);
  for (let i = 0; i < FRAME_SAMPLES; i++) b.writeInt16LE(frame[i], 2 * i);
  return b;
}

/**
 * An external program joined to the call in lock step (the public contract in docs/contracts.md): each frame we write
 * the 160 samples it hears to its stdin, then read the 160 it says from its stdout. Its stderr goes to the log.
 */
export class ProgramParty implements FarParty {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader = new FrameReader();
  private exited = false;

  constructor(
    command: string,
    log: (line: string) => void,
    opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.child = spawn(command, { shell: true, cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'pipe' });
    this.child.stdout.on('data', (c: Buffer) => this.reader.push(c));
    this.child.stdout.on('end', () => this.reader.end());
    this.child.stdin.on('error', () => {}); // EPIPE once the program has gone: reported by the next frame
    let partial = '';
    this.child.stderr.on('data', (c: Buffer) => {
      const lines = (partial + c.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) log(`[${command.split(' ')[0]}] ${l}`);
    });
    this.child.on('error', (err) => {
      log(`program failed to start: ${command}: ${err.message}`);
      this.exited = true;
      this.reader.end();
    });
    this.child.on('exit', () => {
      this.exited = true;
    });
  }

  async frame(heard: Int16Array, said: Int16Array): Promise<boolean> {
    if (this.exited && this.reader.ended) return false;
    if (!this.child.stdin.destroyed) this.child.stdin.write(frameToBuffer(heard));
    return this.reader.read(said);
  }

  hangup(): void {
    if (!this.child.stdin.destroyed) this.child.stdin.end();
    // A program that ignores end of file is stopped after a grace period.
    const t = setTimeout(() => this.child.kill('SIGTERM'), 2000);
    t.unref();
    this.child.on('exit', () => clearTimeout(t));
  }
}
