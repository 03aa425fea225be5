import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/**
 * One direction of an ALSA device as an alsa-utils child process with a raw S16LE pipe: `arecord` writes captured
 * samples to its stdout, `aplay` plays what arrives on its stdin. The programs recover from over- and underruns
 * themselves (snd_pcm_prepare, then on) and say so on stderr ("overrun!!! (at least … ms long)"); this class turns
 * those lines into events, and reports the process's exit so the device can start it again.
 */
export interface AlsaStreamOptions {
  kind: 'capture' | 'playback';
  /** ALSA PCM name: `hw:1,0`, `plughw:CARD=Device`, `bluealsa:DEV=…,PROFILE=sco`, or one from an asoundrc. */
  device: string;
  rate: number;
  periodUs: number;
  bufferUs: number;
  env?: NodeJS.ProcessEnv;
  /** Program paths (default `arecord` / `aplay` on PATH). */
  program?: string;
  onData?: (chunk: Buffer) => void;
  onXrun: (detail: string) => void;
  onExit: (detail: string) => void;
}

const XRUN_LINE = /(underrun|overrun|xrun)/i;

export class AlsaStream {
  private child: ChildProcess | null = null;
  private stderrTail: string[] = [];
  private partial = '';
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly o: AlsaStreamOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get args(): string[] {
    const o = this.o;
    return ['-q', '-D', o.device, '-t', 'raw', '-f', 'S16_LE', '-c', '1', '-r', String(o.rate), `--period-time=${o.periodUs}`, `--buffer-time=${o.bufferUs}`];
  }

  /** What the program said last on stderr (for error messages). */
  get lastWords(): string {
    return this.stderrTail.join(' | ');
  }

  start(): void {
    const program = this.o.program ?? (this.o.kind === 'capture' ? 'arecord' : 'aplay');
    this.stopping = false;
    this.stderrTail = [];
    const child = spawn(program, this.args, {
      stdio: [this.o.kind === 'playback' ? 'pipe' : 'ignore', this.o.kind === 'capture' ? 'pipe' : 'ignore', 'pipe'],
      env: this.o.env ?? process.env,
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.o.onData?.(chunk));
    child.stdin?.on('error', () => {}); // EPIPE when the program died: its exit is reported below
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => this.stderr(text));
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.note(`${program}: ${err.message}`);
        if (child.exitCode === null && child.pid === undefined) this.exit(child, -1, null, resolve);
      });
      child.once('close', (code, signal) => this.exit(child, code, signal, resolve));
    });
  }

  private exit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, resolve: () => void): void {
    resolve();
    if (this.child !== child) return;
    this.child = null;
    if (!this.stopping) this.o.onExit(`${this.o.kind} process exited (${signal ?? `code ${code}`})${this.stderrTail.length ? `: ${this.lastWords}` : ''}`);
  }

  private stderr(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      if (XRUN_LINE.test(line)) this.o.onXrun(line.trim());
      else this.note(line.trim());
    }
  }

  private note(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > 4) this.stderrTail.shift();
  }

  /** Queued bytes not yet taken by the playback program. */
  get backlogBytes(): number {
    return this.child?.stdin?.writableLength ?? 0;
  }

  write(bytes: Uint8Array): void {
    const stdin = this.child?.stdin;
    if (stdin && !stdin.destroyed) stdin.write(bytes);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child) {
      // The player gets a moment to play out what it was given (end of input); the recorder is stopped at once.
      const drainMs = child.stdin ? 300 : 0;
      child.stdin?.end();
      const term = setTimeout(() => child.kill('SIGTERM'), drainMs);
      const kill = setTimeout(() => child.kill('SIGKILL'), drainMs + 1000);
      await this.exited;
      clearTimeout(term);
      clearTimeout(kill);
    }
    this.child = null;
  }

  /** For tests of recovery: end the program as a failing device would. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }
}
