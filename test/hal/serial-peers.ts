/** The other end of each DTE port backend, as a vintage computer would hold it. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receivingTerminal } from '../helpers/daemon.ts';
import type { Terminal } from '../helpers/daemon.ts';

/** A pseudo-terminal pair joined by socat: the modem opens `a`, the "PC" opens `b`. Both ends raw. */
export async function socatPair(
  dir = mkdtempSync(join(tmpdir(), 'dialtone-socat-')),
): Promise<{ a: string; b: string; child: ChildProcess; stop: () => Promise<void> }> {
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
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const term = receivingTerminal('tcp terminal', {
    async write(data: string | Uint8Array) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      if (!socket.write(bytes)) await new Promise((r) => socket.once('drain', r));
    },
    async close() {
      socket.end();
      const timer = setTimeout(() => socket.destroy(), 1000); // a paused server never reads our FIN
      await closed;
      clearTimeout(timer);
    },
  });
  socket.on('data', (d: Buffer) => term.receive(d));
  return Object.assign(term, { socket, closed });
}
