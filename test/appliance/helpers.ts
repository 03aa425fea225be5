/**
 * Helpers for the appliance tests: a daemon started with its own environment (NOTIFY_SOCKET, WATCHDOG_USEC), a Unix
 * datagram receiver owned by the test (Python: Node cannot bind one, and an independent receiver checks our client),
 * a mosquitto broker on a free port, and a polling wait.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN = join(REPO, 'firmware-app/main.ts');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dialtone-${prefix}-`));
}

/** Poll `check` until it returns a value other than null/undefined/false; reject with `what()` after timeoutMs. */
export async function until<T>(check: () => T | null | undefined | false, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface TestDaemon {
  child: ChildProcess;
  dir: string;
  link: string;
  socket: string;
  log(): string;
  stdout(): string;
  ready: Promise<void>;
  exited: Promise<number | null>;
  /** SIGTERM (SIGKILL after 3 s), then remove the directory. */
  stop(): Promise<void>;
}

/** Start `dialtone start` with a configuration overlay and extra environment; `ready` resolves on its ready line. */
export function startTestDaemon(opts: { config?: Record<string, unknown>; env?: NodeJS.ProcessEnv; clock?: 'fast' | 'realtime' } = {}): TestDaemon {
  const dir = tempDir('daemon');
  const link = join(dir, 'modem');
  const socket = join(dir, 'control.sock');
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, stringify({ leds: { backend: 'none' }, mqtt: { enabled: false }, panel: { port: 0 }, ...(opts.config ?? {}) }));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'start', '--clock', opts.clock ?? 'fast', '--link', link, '--socket', socket, '--config', configPath],
    {
      cwd: REPO,
      env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', WATCHDOG_PID: '', STATE_DIRECTORY: join(dir, 'state'), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log = (log + s).slice(-(1 << 20))));
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`daemon not ready after 90 s:\n${out}\n${log}`)), 90_000);
    child.stdout!.on('data', () => {
      if (out.includes('Dialtone ready.')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`daemon exited (${code ?? signal}) before it was ready:\n${out}\n${log}`));
    });
  });
  ready.catch(() => {});
  let stopped = false;
  return {
    child,
    dir,
    link,
    socket,
    log: () => log,
    stdout: () => out,
    ready,
    exited,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DatagramReceiver {
  path: string;
  /** Each datagram as text, with the time it arrived (ms, performance.now()). */
  messages: { at: number; text: string }[];
  close(): Promise<void>;
}

const RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps("listening"), flush=True)
while True:
    print(json.dumps(s.recv(65536).decode("utf-8", "replace")), flush=True)
`;

/** A Unix datagram socket the test owns, like systemd's notify socket: every datagram is recorded. */
export async function datagramReceiver(path: string): Promise<DatagramReceiver> {
  const child = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: { at: number; text: string }[] = [];
  let partial = '';
  let listening!: () => void;
  const started = new Promise<void>((r) => (listening = r));
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const text = JSON.parse(l) as string;
      if (text === 'listening' && messages.length === 0) listening();
      else messages.push({ at: performance.now(), text });
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await Promise.race([started, exited.then(() => Promise.reject(new Error('the datagram receiver (python3) did not start')))]);
  return {
    path,
    messages,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export interface Broker {
  port: number;
  url: string;
  /** Start it (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: a broker that holds its connections but answers nothing (slow, or a dead host). */
  freeze(): void;
  thaw(): void;
}

/** Debian's mosquitto on 127.0.0.1:<free port>, no persistence, anonymous, owned by the test. */
/** A mosquitto on loopback, on a free port or on `at` (a port a daemon was told about before the broker ran). */
export async function mosquitto(at?: number): Promise<Broker> {
  const port = at ?? (await freePort());
  const dir = tempDir('broker');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`);
  let child: ChildProcess | null = null;
  let log = '';
  const broker: Broker = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      const c = spawn(process.env.MOSQUITTO ?? '/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
      c.once('error', (err) => (log += `\nspawn: ${err.message}`));
      await until(
        () => /mosquitto version .* running/.test(log) || c.exitCode !== null,
        10_000,
        () => `mosquitto did not start: ${log}`,
      );
      if (c.exitCode !== null) throw new Error(`mosquitto exited: ${log} (install it: apt-get install mosquitto)`);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGCONT');
      c.kill('SIGTERM');
      await gone;
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
  };
  await broker.start();
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return broker;
}
