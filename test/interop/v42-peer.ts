/**
 * Dialtone's V.22bis + V.42 pump (V42DataPump) joined in lock step to spandsp's (test/interop/spandsp-v42.c): each
 * 20 ms frame our transmission goes to the program's stdin and its transmission comes back from stdout, through a
 * line model each way. The harness is compiled on demand like spandsp-modem.c.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineModel } from '../../dsp/channel/line-model.ts';
import { FRAME_SAMPLES } from '../../dsp/q15.ts';
import { V22bisDataPump } from '../../dsp/qam/v22bis-pump.ts';
import { V42DataPump, type V42Options } from '../../dsp/v42/v42-pump.ts';

const here = dirname(fileURLToPath(import.meta.url));
const LOCKSTEP_HEADER = join(here, 'lockstep.h');

/**
 * Compiles one of the C peers in this directory (against libspandsp-dev) into bin/ when the binary is missing or
 * older than its source or lockstep.h, and returns the binary's path. Safe when test workers build at once.
 */
export function buildSpandspProgram(name: string): string {
  const source = join(here, `${name}.c`);
  const binary = join(here, 'bin', name);
  let fresh = false;
  try {
    const built = statSync(binary).mtimeMs;
    fresh = built >= statSync(source).mtimeMs && built >= statSync(LOCKSTEP_HEADER).mtimeMs;
  } catch {
    fresh = false;
  }
  if (fresh) return binary;
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'spandsp'], { encoding: 'utf8' }).trim().split(/\s+/);
  mkdirSync(dirname(binary), { recursive: true });
  const tmp = `${binary}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  execFileSync('cc', ['-O2', '-Wall', '-o', tmp, source, ...flags, '-lm']);
  renameSync(tmp, binary);
  return binary;
}

export function buildSpandspV42(): string {
  return buildSpandspProgram('spandsp-v42');
}

export interface V42InteropOptions {
  /** Dialtone's role; spandsp takes the other. */
  role: 'caller' | 'answerer';
  ours: V42Options;
  /** spandsp's V.42bis P1, P2 (both directions), or none. */
  spandspV42bis?: { p1: number; p2: number; mode?: 'dynamic' | 'always' | 'never' };
  toSpandsp: Uint8Array;
  toUs: Uint8Array;
  snrDb?: number;
  maxSeconds: number;
}

export interface V42InteropResult {
  pump: V42DataPump;
  got: Uint8Array;
  spandspGot: Uint8Array;
  spandspExit: number | null;
  log: string;
  seconds: number;
}

export async function runSpandspV42(o: V42InteropOptions): Promise<V42InteropResult> {
  const bin = buildSpandspV42();
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-v42-'));
  const sendPath = join(dir, 'send');
  const recvPath = join(dir, 'recv');
  writeFileSync(sendPath, o.toUs);
  const args = [
    '--role',
    o.role === 'caller' ? 'answerer' : 'caller',
    '--send',
    sendPath,
    '--recv',
    recvPath,
    '--expect',
    String(o.toSpandsp.length),
    '--max-seconds',
    String(o.maxSeconds),
    '--verbose',
    ...(process.env.V42_DEBUG ? ['--debug'] : []),
  ];
  if (o.spandspV42bis) args.push('--v42bis', String(o.spandspV42bis.p1), String(o.spandspV42bis.p2), '--v42bis-mode', o.spandspV42bis.mode ?? 'dynamic');
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (log += s));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.stdin.on('error', () => {}); // the peer may end the call first (EPIPE): its exit status says how it went
  const inner = new V22bisDataPump(o.role, { maxRate: 2400, answerToneMs: 3000 });
  const pump = new V42DataPump(inner, o.ours);
  const toThem = lineModel({ snrDb: o.snrDb ?? 30, seed: 5 });
  const toMe = lineModel({ snrDb: o.snrDb ?? 30, seed: 6 });
  const ourTx = new Int16Array(FRAME_SAMPLES);
  const ourRx = new Int16Array(FRAME_SAMPLES);
  const got: number[] = [];
  let sent = 0;
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  child.stdout.on('data', (b: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, b]) : b;
    poke();
  });
  child.stdout.on('end', () => {
    ended = true;
    poke();
  });
  const readFrame = async (): Promise<Buffer | null> => {
    const need = FRAME_SAMPLES * 2;
    while (pending.length < need) {
      if (ended) return null;
      await new Promise<void>((r) => (wake = r));
    }
    const f = pending.subarray(0, need);
    pending = pending.subarray(need);
    return f;
  };
  let frames = 0;
  for (; frames < o.maxSeconds * 50; frames++) {
    pump.process(ourRx, ourTx);
    if (pump.state === 'connected') {
      if (sent < o.toSpandsp.length && pump.tx.queue.free > 0)
        sent += pump.tx.queue.write(o.toSpandsp, sent, Math.min(o.toSpandsp.length, sent + pump.tx.queue.free));
      while (pump.rx.length > 0) got.push(pump.rx.shift());
    }
    const out = Buffer.from(ourTx.buffer.slice(0));
    toThem.process(new Int16Array(out.buffer, out.byteOffset, FRAME_SAMPLES), FRAME_SAMPLES);
    if (!child.stdin.write(out)) await Promise.race([new Promise<void>((r) => child.stdin.once('drain', () => r())), exited]);
    const f = await readFrame();
    if (!f) break;
    const samples = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) samples[i] = f.readInt16LE(2 * i);
    toMe.process(samples, FRAME_SAMPLES);
    ourRx.set(samples);
    if (pump.state === 'carrier-lost') break;
  }
  child.stdin.end();
  const code = await exited;
  let spandspGot = new Uint8Array(0);
  try {
    spandspGot = readFileSync(recvPath);
  } catch {
    /* nothing received */
  }
  rmSync(dir, { recursive: true, force: true });
  return { pump, got: Uint8Array.from(got), spandspGot, spandspExit: code, log, seconds: frames / 50 };
}
