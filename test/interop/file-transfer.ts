/**
 * Stock lrzsz file transfers between two Dialtone modems in a call: the sender's program on one DTE port, the
 * receiver's on the other, as a user runs them (`sz file < port > port`). The call's line time comes from the frame
 * meter (test/interop/frame-meter.ts) on the route that joins the two modems, so the characters per second are line
 * figures even on the fast clock. Shared by the pseudo-terminal and UART variants of the transfer tests.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialtoneCommand, REPO_ROOT, shellQuote } from '../helpers/daemon.ts';
import { discardInput } from '../../hal/serial/pty-port.ts';
import { randomBytes } from '../helpers/random.ts';

export type Protocol = 'zmodem' | 'xmodem';

export interface TransferCase {
  carrier: string;
  modulation: string;
  v42: boolean;
  /** 8N1 characters a second at the line rate. */
  lineCps: number;
  /** ZMODEM and XMODEM payloads: a few hundred seconds of line time each, seconds of wall time on the fast clock. */
  zmodemBytes: number;
  xmodemBytes: number;
}

/** The calls measured: each modulation, with and without V.42 where it has one (V.21 has none). */
export const CASES: TransferCase[] = [
  { carrier: 'V.21', modulation: 'v21', v42: false, lineCps: 30, zmodemBytes: 12 * 1024, xmodemBytes: 6 * 1024 },
  { carrier: 'V.22', modulation: 'v22', v42: false, lineCps: 120, zmodemBytes: 32 * 1024, xmodemBytes: 16 * 1024 },
  { carrier: 'V.22', modulation: 'v22', v42: true, lineCps: 120, zmodemBytes: 32 * 1024, xmodemBytes: 16 * 1024 },
  { carrier: 'V.22bis', modulation: 'v22bis', v42: false, lineCps: 240, zmodemBytes: 48 * 1024, xmodemBytes: 24 * 1024 },
  { carrier: 'V.22bis', modulation: 'v22bis', v42: true, lineCps: 240, zmodemBytes: 48 * 1024, xmodemBytes: 24 * 1024 },
];

/** The number the calling modem's exchange routes to the answering daemon, through the frame meter. */
export const BRIDGE_NUMBER = '5557000';

/** The exchange route: `dialtone ring --stdio` into the answering daemon's control socket, frames counted. */
export function bridgeRoute(answererSocket: string, meterFile: string): Record<string, unknown> {
  const meter = `${shellQuote(process.execPath)} --import tsx ${shellQuote(join(REPO_ROOT, 'test/interop/frame-meter.ts'))} ${shellQuote(meterFile)}`;
  return { [BRIDGE_NUMBER]: { kind: 'program', command: `${meter} -- ${dialtoneCommand('ring', '--socket', answererSocket, '--stdio')}` } };
}

/**
 * Hold a DTE port open (blocking, as the programs expect it): the test's terminal can close and the programs take
 * the port over without the port ever being closed, which would be the DTE dropping DTR (the modem hangs up).
 */
export function holdPort(path: string): { fd: number; release: () => void } {
  const fd = openSync(path, 'r+');
  let open = true;
  return {
    fd,
    release: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

interface Run {
  code: number | null;
  stderr: string;
}

function run(command: string, cwd: string, fd: number, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, cwd, stdio: [fd, fd, 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => (stderr = (stderr + s).slice(-20000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

export interface TransferResult {
  protocol: Protocol;
  bytes: number;
  lineSeconds: number;
  wallSeconds: number;
  cps: number;
  sender: Run;
  receiver: Run;
  /** The file as received (XMODEM's is padded to its 128-byte blocks, so payload sizes are multiples of 1 KiB). */
  received: Buffer;
  sent: Buffer;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** True when the file arrived whole and unchanged. */
export function intact(r: TransferResult): boolean {
  return r.received.length === r.sent.length && sha256(r.received) === sha256(r.sent);
}

/**
 * One file from the sender's port to the receiver's with stock programs: `sz` to `rz -y` (ZMODEM), or `sx` to
 * `rx -c` (XMODEM, 128-byte blocks, CRC). `frames()` reads the frame meter.
 */
export async function transfer(opts: {
  protocol: Protocol;
  size: number;
  seed: number;
  dir: string;
  /** The ports the programs use (held open by the test) and their device paths. */
  senderFd: number;
  receiverFd: number;
  senderPath: string;
  receiverPath: string;
  frames: () => number;
  timeoutMs: number;
}): Promise<TransferResult> {
  const { protocol, size, dir } = opts;
  const sendDir = join(dir, `${protocol}-send`);
  const recvDir = join(dir, `${protocol}-recv`);
  mkdirSync(sendDir, { recursive: true });
  mkdirSync(recvDir, { recursive: true });
  const sent = Buffer.from(randomBytes(size, opts.seed));
  writeFileSync(join(sendDir, 'payload.bin'), sent);
  const [receive, send] = protocol === 'zmodem' ? ['rz -y', 'sz payload.bin'] : ['rx -c payload.bin', 'sx payload.bin'];
  // What the last programs left on the line (ZMODEM's closing "OO", a CAN or two) must not greet the next ones:
  // let it arrive, then drop it from both ports, as a user's terminal program would have shown it and moved on.
  await new Promise((r) => setTimeout(r, 500));
  discardInput(opts.senderPath);
  discardInput(opts.receiverPath);
  const f0 = opts.frames();
  const w0 = Date.now();
  const [receiver, sender] = await Promise.all([run(receive, recvDir, opts.receiverFd, opts.timeoutMs), run(send, sendDir, opts.senderFd, opts.timeoutMs)]);
  const lineSeconds = (opts.frames() - f0) * 0.02;
  let received = Buffer.alloc(0);
  try {
    received = readFileSync(join(recvDir, 'payload.bin'));
  } catch {
    /* not received: the caller's assertions say so */
  }
  return { protocol, bytes: size, lineSeconds, wallSeconds: (Date.now() - w0) / 1000, cps: size / lineSeconds, sender, receiver, received, sent };
}

/** The frame meter's count of 20 ms frames so far. */
export function meterReader(file: string): () => number {
  let last = 0;
  return () => {
    // The meter rewrites the file as it goes: a read between its truncate and its write finds it empty.
    for (let tries = 0; tries < 1000; tries++) {
      const n = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isFinite(n)) return (last = n);
    }
    return last;
  };
}

/** "dte: the DTE was stopped N times; at most M characters waited for the line (S s at R char/s)" from a log. */
export function peakHeld(log: string): { holds: number; chars: number; seconds: number } | null {
  const m = /dte: the DTE was stopped (\d+) times; at most (\d+) characters waited for the line \(([\d.]+) s/.exec(log);
  return m ? { holds: Number(m[1]), chars: Number(m[2]), seconds: Number(m[3]) } : null;
}

/** One row of the efficiency table, for the test log (and docs/dte-notes.md). */
export function row(path: string, carrier: string, v42: boolean, r: TransferResult, lineCps: number): string {
  return (
    `| ${path} | ${carrier} | ${v42 ? 'V.42' : 'none'} | ${r.protocol === 'zmodem' ? 'sz → rz' : 'sx → rx -c'} | ${r.bytes} | ` +
    `${r.lineSeconds.toFixed(1)} | ${r.cps.toFixed(1)} | ${((100 * r.cps) / lineCps).toFixed(1)} % | ${r.wallSeconds.toFixed(1)} |`
  );
}
