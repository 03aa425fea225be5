/**
 * TypeScript access to the spandsp 0.0.6 peer in spandsp-modem.c: building it on demand, joining two
 * lock-step programs frame by frame (with an optional channel model in each direction), and its BER and
 * throughput modes. See spandsp-modem.c for the command line and the call procedure it follows.
 */
import { median } from '../bench/row.ts';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
export const SPANDSP_MODEM_SOURCE = join(here, 'spandsp-modem.c');
export const SPANDSP_MODEM_BINARY = join(here, 'bin', 'spandsp-modem');

/** The lock-step contract: 160 samples (S16LE, 8000 Hz, mono) per 20 ms frame. */
export const SAMPLES_PER_FRAME = 160;
export const FRAME_BYTES = SAMPLES_PER_FRAME * 2;
export const FRAME_SECONDS = 0.02;

export type SpandspFamily = 'v21' | 'bell103' | 'v23' | 'bell202';
/** One FSK channel, named as in spandsp's preset_fsk_specs (bell103ch1 is the ANSWER channel, 2025/2225 Hz). */
export type SpandspChannel = 'v21ch1' | 'v21ch2' | 'bell103ch1' | 'bell103ch2' | 'v23ch1' | 'v23ch2' | 'bell202';
export const SPANDSP_CHANNELS: readonly SpandspChannel[] = ['v21ch1', 'v21ch2', 'bell103ch1', 'bell103ch2', 'v23ch1', 'v23ch2', 'bell202'];
export const SPANDSP_FAMILIES: readonly SpandspFamily[] = ['v21', 'bell103', 'v23', 'bell202'];
/** spandsp's V.22bis modem at 1200 bit/s (v22) or 2400 bit/s (v22bis). */
export type SpandspQamModem = 'v22' | 'v22bis';

function isBuilt(): boolean {
  if (!existsSync(SPANDSP_MODEM_BINARY)) return false;
  const built = statSync(SPANDSP_MODEM_BINARY).mtimeMs;
  // lockstep.h: the frame loop and I/O shared with the V.42 peers
  return built >= statSync(SPANDSP_MODEM_SOURCE).mtimeMs && built >= statSync(join(here, 'lockstep.h')).mtimeMs;
}

function pkgConfigFlags(): string[] {
  try {
    const out = execFileSync('pkg-config', ['--cflags', '--libs', 'spandsp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split(/\s+/).filter(Boolean);
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(
      `cannot build the spandsp peer: pkg-config does not find spandsp (${detail}). ` +
        'Install the Debian packages libspandsp-dev and pkg-config (apt-get install libspandsp-dev pkg-config).',
    );
  }
}

/**
 * Compiles spandsp-modem.c when the binary is missing or older than the source, and returns its path.
 * Safe when several test workers call it at once: each builds to its own temporary name, then renames.
 */
export function buildSpandspModem(): string {
  if (isBuilt()) return SPANDSP_MODEM_BINARY;
  const flags = pkgConfigFlags();
  mkdirSync(dirname(SPANDSP_MODEM_BINARY), { recursive: true });
  const tmp = `${SPANDSP_MODEM_BINARY}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    execFileSync('cc', ['-O2', '-o', tmp, SPANDSP_MODEM_SOURCE, ...flags, '-lm'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    rmSync(tmp, { force: true });
    const detail = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    throw new Error(`cannot compile ${relative(process.cwd(), SPANDSP_MODEM_SOURCE)} (needs cc and libspandsp-dev): ${detail}`);
  }
  renameSync(tmp, SPANDSP_MODEM_BINARY);
  return SPANDSP_MODEM_BINARY;
}

/** A program that speaks the lock-step protocol on stdin/stdout. */
export interface LockstepProgram {
  command: string;
  args: string[];
}

export interface SpandspPeerOptions {
  modem: SpandspFamily;
  role: 'caller' | 'answerer';
  send?: string;
  recv?: string;
  expect?: number;
  hangupAfterSend?: boolean;
  maxSeconds?: number;
  verbose?: boolean;
  /** A plain receiver clamp: keep the characters of every frame with carrier (not only those whose neighbours had it too). */
  rawRx?: boolean;
}

/** The command line of a spandsp lock-step peer (builds the binary if needed). */
export function spandspPeer(o: SpandspPeerOptions): LockstepProgram {
  const args = ['--modem', o.modem, '--role', o.role];
  if (o.send !== undefined) args.push('--send', o.send);
  if (o.recv !== undefined) args.push('--recv', o.recv);
  if (o.expect !== undefined) args.push('--expect', String(o.expect));
  if (o.hangupAfterSend) args.push('--hangup-after-send');
  if (o.maxSeconds !== undefined) args.push('--max-seconds', String(o.maxSeconds));
  if (o.verbose) args.push('--verbose');
  if (o.rawRx) args.push('--raw-rx');
  return { command: buildSpandspModem(), args };
}

export interface SpandspQamPeerOptions {
  modem: SpandspQamModem;
  role: 'caller' | 'answerer';
  send?: string;
  recv?: string;
  expect?: number;
  hangupAfterSend?: boolean;
  /** Send N bits of the O.150 PRBS once connected; the count is printed as "BER {json}" on stderr. */
  prbs?: number;
  maxSeconds?: number;
  verbose?: boolean;
}

/** The command line of a spandsp V.22/V.22bis lock-step peer (builds the binary if needed). */
export function spandspQamPeer(o: SpandspQamPeerOptions): LockstepProgram {
  const { modem, ...rest } = o;
  const p = spandspPeer({ ...rest, modem: 'v21' });
  p.args[1] = modem;
  if (o.prbs !== undefined) p.args.push('--prbs', String(o.prbs));
  return p;
}

/** What a V.22/V.22bis peer printed on stderr: its connect rate, and its BER count with --prbs. */
export function parseQamReport(stderr: string): { rate: number | null; ber: SpandspBerResult | null } {
  const rate = /^RATE (\d+)$/m.exec(stderr);
  const ber = /^BER (\{.*\})$/m.exec(stderr);
  return { rate: rate ? Number(rate[1]) : null, ber: ber ? (JSON.parse(ber[1]) as SpandspBerResult) : null };
}

/** Exactly-sized reads from a byte stream. */
class FrameReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.notify();
    });
    const finish = (): void => {
      this.ended = true;
      this.notify();
    };
    stream.on('end', finish);
    stream.on('error', finish);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The next `bytes` bytes, or null when the stream ends first. */
  async read(bytes: number): Promise<Buffer | null> {
    while (this.length < bytes) {
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const rest = all.subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length -= bytes;
    return all.subarray(0, bytes);
  }
}

/** Copies S16LE bytes into a fresh, aligned Int16Array. */
function toSamples(bytes: Buffer): Int16Array {
  const samples = new Int16Array(bytes.length >> 1);
  Buffer.from(samples.buffer).set(bytes.subarray(0, samples.length * 2));
  return samples;
}

function samplesToBuffer(samples: Int16Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

export type FrameTransform = (frame: Int16Array) => void;

export interface LockstepOptions {
  /** Line time after which both programs are hung up (their stdin closed). */
  maxLineSeconds: number;
  /** Applied in place to each frame A sends, before B receives it. */
  aToB?: FrameTransform;
  /** Applied in place to each frame B sends, before A receives it. */
  bToA?: FrameTransform;
  /** Grace period after hanging up before a program is killed, in ms. */
  killAfterMs?: number;
}

export interface LockstepSideResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface LockstepResult {
  frames: number;
  lineSeconds: number;
  /** True when maxLineSeconds ended the call rather than a program. */
  timedOut: boolean;
  a: LockstepSideResult;
  b: LockstepSideResult;
}

interface RunningProgram {
  stdin: Writable;
  frames: FrameReader;
  done: Promise<LockstepSideResult>;
  kill: () => void;
}

function start(p: LockstepProgram): RunningProgram {
  const child = spawn(p.command, p.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-65536);
  });
  child.stdin.on('error', () => {}); // EPIPE once the program has exited: its exit is reported instead
  const done = new Promise<LockstepSideResult>((resolve) => {
    child.on('error', (err) => resolve({ exitCode: null, signal: null, stderr: stderr + String(err) }));
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stderr }));
  });
  return { stdin: child.stdin, frames: new FrameReader(child.stdout), done, kill: () => child.kill('SIGKILL') };
}

function forward(frame: Buffer, to: RunningProgram, transform?: FrameTransform): void {
  const samples = toSamples(frame);
  transform?.(samples);
  to.stdin.write(samplesToBuffer(samples));
}

/**
 * Joins two lock-step programs as the exchange does: each frame, A's previous frame goes to B and B's to A
 * (each side is first fed one silent frame, since both read before they write). When either program exits
 * or the line-time limit passes, both are hung up (stdin closed); resolves once both have exited.
 */
export async function runLockstep(a: LockstepProgram, b: LockstepProgram, opts: LockstepOptions): Promise<LockstepResult> {
  const pa = start(a);
  const pb = start(b);
  const silence = Buffer.alloc(FRAME_BYTES);
  pa.stdin.write(silence);
  pb.stdin.write(silence);
  const maxFrames = Math.round(opts.maxLineSeconds / FRAME_SECONDS);
  let frames = 0;
  let timedOut = false;
  for (;;) {
    if (frames >= maxFrames) {
      timedOut = true;
      break;
    }
    const [fa, fb] = await Promise.all([pa.frames.read(FRAME_BYTES), pb.frames.read(FRAME_BYTES)]);
    if (!fa || !fb) break;
    frames++;
    forward(fa, pb, opts.aToB);
    forward(fb, pa, opts.bToA);
  }
  pa.stdin.end();
  pb.stdin.end();
  const timer = setTimeout(() => {
    pa.kill();
    pb.kill();
  }, opts.killAfterMs ?? 5000);
  const [ra, rb] = await Promise.all([pa.done, pb.done]);
  clearTimeout(timer);
  return { frames, lineSeconds: frames * FRAME_SECONDS, timedOut, a: ra, b: rb };
}

const execFileAsync = promisify(execFile);

export interface SpandspThroughput {
  seconds_line: number;
  seconds_cpu: number;
  x_realtime: number;
  /** Characters each receiver got right, summed over both directions (a sanity check). */
  chars_ok: number;
  chars_sent: number;
}

/** A full-duplex spandsp pair run in memory for `seconds` of line time, timed in CPU seconds. */
export async function spandspThroughput(modem: SpandspFamily | SpandspQamModem, seconds: number): Promise<SpandspThroughput> {
  const { stdout } = await execFileAsync(buildSpandspModem(), ['--throughput', '--modem', modem, '--seconds', String(seconds)]);
  return JSON.parse(stdout) as SpandspThroughput;
}

/** spandsp's ×real-time figure for `modem`: the median of `runs` runs of `seconds` of line time. */
export async function spandspMedianThroughput(modem: SpandspFamily | SpandspQamModem, seconds: number, runs: number): Promise<number> {
  const x: number[] = [];
  for (let i = 0; i < runs; i++) x.push((await spandspThroughput(modem, seconds)).x_realtime);
  return median(x);
}

export interface SpandspBerResult {
  /** Bits compared after the checker aligned to the PRBS. */
  bits: number;
  errors: number;
  /** PRBS bits that were sent but not compared (no alignment, lost alignment, or audio cut short). */
  missing: number;
  resyncs: number;
}

/** In-place processing of n samples (n is SAMPLES_PER_FRAME except perhaps for the last call). */
export type SampleTransform = (buf: Int16Array, n: number) => void;

function collect(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (s: string) => (text += s));
    stream.on('end', () => resolve(text));
  });
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

/**
 * `--ber-tx | transform | --ber-rx` for one channel: N bits of the O.150 2^15-1 PRBS, streamed from the
 * modulator through `transform` (a channel model; frames of 160 samples) into the demodulator.
 */
export async function spandspBer(spec: SpandspChannel, bits: number, transform?: SampleTransform): Promise<SpandspBerResult> {
  const bin = buildSpandspModem();
  const common = ['--modem', spec, '--bits', String(bits)];
  const tx = spawn(bin, ['--ber-tx', ...common], { stdio: ['ignore', 'pipe', 'pipe'] });
  const rx = spawn(bin, ['--ber-rx', ...common], { stdio: ['pipe', 'pipe', 'pipe'] });
  rx.stdin.on('error', () => {});
  const outputs = Promise.all([collect(rx.stdout), collect(tx.stderr), collect(rx.stderr)]);
  let pending: Buffer = Buffer.alloc(0);
  const send = (bytes: Buffer): void => {
    const samples = toSamples(bytes);
    for (let i = 0; i < samples.length; i += SAMPLES_PER_FRAME) {
      const n = Math.min(SAMPLES_PER_FRAME, samples.length - i);
      transform?.(samples.subarray(i, i + n), n);
    }
    if (!rx.stdin.write(samplesToBuffer(samples))) {
      tx.stdout.pause();
      rx.stdin.once('drain', () => tx.stdout.resume());
    }
  };
  tx.stdout.on('data', (chunk: Buffer) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const whole = pending.length - (pending.length % FRAME_BYTES);
    if (whole > 0) send(pending.subarray(0, whole));
    pending = pending.subarray(whole);
  });
  tx.stdout.on('end', () => {
    if (pending.length >= 2) send(pending);
    rx.stdin.end();
  });
  const [txCode, rxCode] = await Promise.all([exitOf(tx), exitOf(rx)]);
  const [json, txErr, rxErr] = await outputs;
  if (txCode !== 0 || rxCode !== 0) {
    throw new Error(`spandsp BER ${spec}: tx exit ${txCode}, rx exit ${rxCode}: ${txErr}${rxErr}`);
  }
  return JSON.parse(json) as SpandspBerResult;
}
