/** The other end of each DTE port backend, as a vintage computer would hold it. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Terminal } from '../helpers/daemon.ts';

/** A pseudo-terminal pair joined by socat: the modem opens `a`, the "PC" opens `b`. Both ends raw. */
export async function socatPair(): Promise<{ a: string; b: string; child: ChildProcess; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-socat-'));
  const a = join(dir, 'modem');
  const b = join(dir, 'pc');
  const child = spawn('socat', ['-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const t0 = Date.now();
  while (!(existsSync(a) && existsSync(b))) {
    if (child.exitCode !== null || Date.now() - t0 > 10_000) throw new Error(`socat did not make its pseudo-terminals: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  return { a, b, child, stop };
}

/** A raw TCP client with the same waiting helpers as the serial Terminal. */
export async function tcpTerminal(port: number): Promise<Terminal & { socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
  let received = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  socket.on('data', (d: Buffer) => {
    received = Buffer.concat([received, d]);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const wait = <T>(ms: number, check: () => T | null, what: string): Promise<T> =>
    new Promise<T>((res, rej) => {
      const done = (): void => {
        const v = check();
        if (v === null) return;
        waiters.delete(done);
        clearTimeout(timer);
        res(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        rej(new Error(`tcp terminal: timed out ${what}; have ${JSON.stringify(received.subarray(term.cursor).toString('latin1').slice(-300))}`));
      }, ms);
      waiters.add(done);
      done();
    });
  const term = {
    socket,
    closed,
    cursor: 0,
    get buffer() {
      return received;
    },
    async write(data: string | Uint8Array) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      if (!socket.write(bytes)) await new Promise((r) => socket.once('drain', r));
    },
    waitFor(pattern: RegExp | string, ms: number) {
      return wait(
        ms,
        () => {
          const text = received.subarray(term.cursor).toString('latin1');
          const m = typeof pattern === 'string' ? (text.includes(pattern) ? { index: text.indexOf(pattern), 0: pattern } : null) : pattern.exec(text);
          if (!m) return null;
          term.cursor += m.index + m[0].length;
          return m[0];
        },
        `waiting for ${String(pattern)}`,
      );
    },
    take(n: number, ms: number) {
      return wait(
        ms,
        () => {
          if (received.length - term.cursor < n) return null;
          const out = Buffer.from(received.subarray(term.cursor, term.cursor + n));
          term.cursor += n;
          return out;
        },
        `waiting for ${n} bytes`,
      );
    },
    async close() {
      socket.end();
      const timer = setTimeout(() => socket.destroy(), 1000); // a paused server never reads our FIN
      await closed;
      clearTimeout(timer);
    },
  };
  return term;
}
