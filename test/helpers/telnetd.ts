/**
 * A real telnet server for tests: Debian's inetutils-telnetd, started per connection by a TCP listener on
 * loopback that hands it the accepted socket as its stdin and stdout, as inetd does (nowait). Its login program is
 * one the test provides (`-E`): a script that prints a banner and echoes, or rz/sz for a transfer.
 *
 *   const d = await startTelnetd(t, '/path/to/login-script');
 *   // dial 127.0.0.1:d.port (or localhost:d.port)
 */
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';

export const TELNETD = ['/usr/sbin/telnetd', '/usr/sbin/in.telnetd'].find((p) => existsSync(p)) ?? null;

export interface Telnetd {
  port: number;
  /** Connections accepted so far. */
  readonly calls: number;
  /** What the telnetd processes wrote on stderr. */
  stderr(): string;
  close(): Promise<void>;
}

/** A shell script at `path` (made executable) for telnetd's -E. */
export function loginScript(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

export async function startTelnetd(t: ExecutionContext, login: string): Promise<Telnetd> {
  if (!TELNETD) throw new Error('telnetd (Debian package inetutils-telnetd) is not installed: run npm run setup:test');
  const children = new Set<ChildProcess>();
  let calls = 0;
  let stderr = '';
  const servers: Server[] = [];
  const accept = (socket: import('node:net').Socket): void => {
    calls++;
    // -h: no host banner before login; -E: the test's program instead of /bin/login.
    const child = spawn(TELNETD!, ['-h', '-E', login], { stdio: [socket, socket, 'pipe'] });
    children.add(child);
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20000)));
    child.on('exit', () => {
      children.delete(child);
      socket.destroy();
    });
    socket.on('error', () => {});
  };
  const listen = (host: string, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const s = createServer({ pauseOnConnect: true }, accept);
      s.once('error', reject);
      s.listen(port, host, () => {
        servers.push(s);
        resolve((s.address() as { port: number }).port);
      });
    });
  const port = await listen('127.0.0.1', 0);
  await listen('::1', port).catch(() => {}); // so that "localhost" reaches it whichever address it resolves to first
  const d: Telnetd = {
    port,
    get calls() {
      return calls;
    },
    stderr: () => stderr,
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(null)))));
    },
  };
  t.teardown(() => d.close());
  return d;
}
