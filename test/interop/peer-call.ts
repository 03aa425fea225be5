/**
 * A call between a Dialtone daemon (driven through its PTY like a terminal) and a lock-step peer, in either
 * role: shared by the spandsp interop tests. Dialtone as caller dials a number its configuration routes to the
 * peer; Dialtone as answerer is rung by `dialtone ring -- <peer>` and answers by S0=1.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Daemon } from '../helpers/daemon.ts';
import { MAIN_TS, REPO_ROOT, shellQuote, startDaemon } from '../helpers/daemon.ts';
import type { LockstepProgram } from './spandsp.ts';

export const PEER_NUMBER = '5554000';

export function commandLine(p: LockstepProgram): string {
  return [p.command, ...p.args].map(shellQuote).join(' ');
}

export interface PeerCall {
  daemon: Daemon;
  /** The peer's stderr (its --verbose log): from the daemon's log when Dialtone called, else from `ring`. */
  peerLog(): string;
  /** Dialtone answerer: the `ring` process (its exit code is the peer's). */
  ring?: ChildProcess;
  ringExit?: Promise<number | null>;
  /** Text of the CONNECT result code, e.g. "CONNECT 300" or "CONNECT 2400/ARQ". */
  connect: string;
  /** Offset in term.buffer where data mode starts (just after CONNECT's CR LF). */
  dataStart: number;
  stop(): Promise<void>;
}

/** Start a daemon and set up a call with `peer`; resolves at CONNECT. */
export async function callPeer(opts: {
  modulation: string;
  role: 'caller' | 'answerer';
  peer: LockstepProgram;
  snrDb?: number;
  /** Extra AT settings sent before the call, e.g. "S10=2". */
  at?: string;
  connectTimeoutMs?: number;
}): Promise<PeerCall> {
  const numbers = opts.role === 'caller' ? { [PEER_NUMBER]: { kind: 'program', command: commandLine(opts.peer) } } : {};
  const daemon = await startDaemon({
    config: { modem: { modulation: opts.modulation }, exchange: { line: { snrDb: opts.snrDb ?? 30, bandLimit: true }, numbers } },
  });
  let ring: ChildProcess | undefined;
  let ringLog = '';
  let ringExit: Promise<number | null> | undefined;
  const stop = async (): Promise<void> => {
    if (ring && ring.exitCode === null && ring.signalCode === null) ring.kill('SIGKILL');
    await daemon.stop();
  };
  try {
    const { term } = daemon;
    await term.write(`ATE0${opts.at ?? ''}${opts.role === 'answerer' ? 'S0=1' : ''}\r`);
    await term.waitFor('OK\r\n', 10_000);
    if (opts.role === 'caller') {
      await term.write(`ATDT${PEER_NUMBER}\r`);
    } else {
      ring = spawn(process.execPath, ['--import', 'tsx', MAIN_TS, 'ring', '--socket', daemon.socket, '--', commandLine(opts.peer)], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      ring.stderr!.setEncoding('utf8');
      ring.stderr!.on('data', (s: string) => (ringLog += s));
      const child = ring;
      ringExit = new Promise((r) => child.once('exit', (code) => r(code)));
      await term.waitFor('RING\r\n', 90_000);
    }
    const connect = await term.waitFor(/CONNECT( \d+)?(\/[A-Z0-9/]+)?\r\n|NO CARRIER\r\n|BUSY\r\n|NO ANSWER\r\n/, opts.connectTimeoutMs ?? 120_000);
    if (!connect.startsWith('CONNECT')) throw new Error(`call failed: ${connect.trim()}\n${daemon.log()}\n${ringLog}`);
    return {
      daemon,
      peerLog: () => (opts.role === 'caller' ? daemon.log() : ringLog),
      ring,
      ringExit,
      connect: connect.trim(),
      dataStart: term.cursor,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Line times (s) of the peer's logged events, e.g. "CONNECT" or "ANSWER_TONE -> ANSWER_SILENCE". */
export function peerEventTime(log: string, event: string): number | null {
  for (const line of log.split('\n')) {
    const m = /(\d+\.\d+) s {2}(.*)$/.exec(line);
    if (m && m[2].trim().startsWith(event)) return Number(m[1]);
  }
  return null;
}

/** Resolve once `needle` appears in term.buffer after `from`; returns its offset. */
export function waitForBytes(daemon: Daemon, from: number, needle: Buffer, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = (): void => {
      const i = daemon.term.buffer.indexOf(needle, from);
      if (i >= 0) return resolve(i);
      if (Date.now() - t0 > timeoutMs) {
        const have = daemon.term.buffer.subarray(from);
        let lead = 0; // where the payload's first 16 bytes are, and the first byte that differs after them
        const at = have.indexOf(needle.subarray(0, 16));
        if (at >= 0) while (lead < needle.length && have[at + lead] === needle[lead]) lead++;
        return reject(
          new Error(
            `payload of ${needle.length} bytes not received in ${timeoutMs} ms (have ${have.length} bytes; start at ${at}, first difference at payload byte ${lead}; first bytes ${have.subarray(0, 24).toString('hex')})`,
          ),
        );
      }
      setTimeout(poll, 50);
    };
    poll();
  });
}
