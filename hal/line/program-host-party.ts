import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { DEFAULT_TIMINGS } from '../../dsp/fsk/fsk-pump.ts';
import { createDataPump } from '../../dsp/pump-factory.ts';
import type { Modulation } from '../../dsp/pump-factory.ts';
import type { DataPump } from '../../dsp/pump.ts';
import type { FarParty } from './far-party.ts';

/** Output the program may have written ahead of the line before its stdout is paused (its own flow control). */
const PAUSE_ABOVE = 4096;
const RESUME_BELOW = 1024;
/** A program that ignores end of file on stdin is stopped after this long (then SIGKILL as long again later). */
const GRACE_MS = 2000;
/** After the program exits its last output is sent before the carrier goes; a send stuck this long (10 s) is dropped. */
const DRAIN_STUCK_FRAMES = 500;
/** The carrier stays on this long after the last byte leaves the queue: the far receiver's delay (filters, scrambler). */
const TAIL_FRAMES = 25;

type HostState = 'handshake' | 'connected' | 'draining' | 'gone';

export interface ProgramHostOptions {
  modulation: Modulation;
  command: string;
  log: (line: string) => void;
  answerToneMs?: number;
  errorControl?: 'none' | 'v42' | 'v42bis';
  cwd?: string;
}

/**
 * A built-in answering modem in front of a program (the public contract "An answering modem in front of a
 * program"): once the handshake is done the command starts; the bytes the caller sends go to its stdin, what it
 * writes to stdout goes back over the line. It learns the call from DIALTONE_MODULATION and DIALTONE_RATE.
 * The program exiting hangs up (after its last output is sent); the caller hanging up closes its stdin, then
 * SIGTERM after a grace period. Its stderr goes to the daemon's log. The program needs no clock: bytes arrive at
 * line speed, and its output is held back (stdout paused) while the line is busy.
 */
export class ProgramHostModemParty implements FarParty {
  private readonly pump: DataPump;
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private stdinBlocked = false;
  private drainFrames = 0;
  private drainLeft = 0;
  private tailFrames = 0;
  state: HostState = 'handshake';

  constructor(private readonly opts: ProgramHostOptions) {
    const { txLevelDbm0, carrierDetectMs, carrierLossMs } = DEFAULT_TIMINGS;
    const ec = opts.errorControl ?? 'none';
    const v42 = ec === 'none' ? null : { errorControl: 'auto' as const, compression: ec === 'v42bis' };
    const answerToneMs = opts.answerToneMs ?? DEFAULT_TIMINGS.answerToneMs;
    this.pump = createDataPump(opts.modulation, 'answerer', { txLevelDbm0, carrierDetectMs, carrierLossMs, answerToneMs, v42 });
  }

  async frame(heard: Int16Array, said: Int16Array): Promise<boolean> {
    if (this.state === 'gone') return false;
    this.pump.process(heard, said);
    if (this.pump.state === 'carrier-lost') {
      this.opts.log('program host: the caller\'s carrier is gone; closing the program\'s stdin');
      this.hangup();
      return false;
    }
    if (this.pump.state !== 'connected') return true;
    if (this.state === 'handshake') this.start();
    this.toProgram();
    this.fromProgram();
    if (this.state === 'draining') {
      // The program has gone: its last bytes go out, then the modem hangs up.
      const left = this.pendingBytes + this.pump.tx.queue.length;
      if (left < this.drainLeft) this.drainFrames = 0;
      this.drainLeft = left;
      const sent = left === 0 && !this.pump.tx.busy && ++this.tailFrames > TAIL_FRAMES;
      if (sent || ++this.drainFrames > DRAIN_STUCK_FRAMES) {
        this.state = 'gone';
        return false;
      }
    }
    return true;
  }

  private start(): void {
    this.state = 'connected';
    const { command, log } = this.opts;
    const env = { ...process.env, DIALTONE_MODULATION: this.opts.modulation, DIALTONE_RATE: String(this.pump.connectRate) };
    log(`program host: CONNECT ${this.pump.connectRate}; starting ${command}`);
    // Its own process group, so a shell's children (a VM, a PPP daemon) are stopped with it.
    const child = spawn(command, { shell: true, cwd: this.opts.cwd, env, stdio: 'pipe', detached: true });
    this.child = child;
    child.stdout.on('data', (c: Buffer) => {
      this.pending.push(c);
      this.pendingBytes += c.length;
      if (this.pendingBytes > PAUSE_ABOVE) child.stdout.pause();
    });
    child.stdin.on('error', () => {}); // EPIPE once the program has gone: its exit ends the call
    child.stdin.on('drain', () => (this.stdinBlocked = false));
    let partial = '';
    child.stderr.on('data', (c: Buffer) => {
      const lines = (partial + c.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) log(`[${command.split(' ')[0]}] ${l}`);
    });
    child.on('error', (err) => {
      log(`program host: ${command} failed to start: ${err.message}`);
      this.programGone();
    });
    // 'close', not 'exit': its last output may still be in the pipe when it exits.
    child.on('close', (code, signal) => {
      log(`program host: ${command} exited (${code ?? signal})`);
      this.programGone();
    });
  }

  private programGone(): void {
    if (this.state === 'connected') this.state = 'draining';
  }

  /** Received bytes to the program's stdin; held in the modem's receive buffer while the pipe is full. */
  private toProgram(): void {
    const stdin = this.child?.stdin;
    if (!stdin || this.stdinBlocked || this.pump.rx.length === 0) return;
    if (stdin.destroyed || !stdin.writable) {
      this.pump.rx.clear(); // nobody reads any more: the call is ending
      return;
    }
    if (!stdin.write(Buffer.from(this.pump.rx.take()))) this.stdinBlocked = true;
  }

  /** The program's output into the transmit queue as space allows. */
  private fromProgram(): void {
    const queue = this.pump.tx.queue;
    while (this.pending.length > 0 && queue.free > 0) {
      const head = this.pending[0];
      const n = queue.write(head);
      this.pendingBytes -= n;
      if (n === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(n);
    }
    if (this.pendingBytes < RESUME_BELOW && this.child?.stdout.isPaused()) this.child.stdout.resume();
  }

  hangup(): void {
    const wasRunning = this.state === 'connected' || this.state === 'draining';
    this.state = 'gone';
    const child = this.child;
    if (!child || !wasRunning || child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    child.stdout.resume(); // let it finish writing; nobody sends it any more
    const stopGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    };
    const term = setTimeout(() => stopGroup('SIGTERM'), GRACE_MS);
    const kill = setTimeout(() => stopGroup('SIGKILL'), 2 * GRACE_MS);
    term.unref();
    kill.unref();
    child.on('exit', () => {
      clearTimeout(term);
      // The shell may have gone while its children (a VM) remain: they are stopped with the group.
      setTimeout(() => stopGroup('SIGTERM'), 0).unref();
      clearTimeout(kill);
    });
  }
}
