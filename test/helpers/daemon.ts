/**
 * Start a Dialtone daemon for a test: a temporary directory, a generated configuration overlaid on
 * config/default.yaml, `--clock fast`, and a terminal on its DTE pseudo-terminal (opened with serialport,
 * raw, 8N1, no flow control).
 *
 *   const d = await startDaemon({ config: { modem: { modulation: 'v21' } } });
 *   t.teardown(d.stop);
 *   await d.term.write('ATDT5551000\r');
 *   await d.term.waitFor(/CONNECT \d+/, 30_000);
 *
 * The daemon runs without --quiet (its LED panel is switched off in the configuration), so its log, and the
 * stderr of programs its exchange starts, are kept in `log()`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { stringify } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN_TS = join(REPO_ROOT, 'firmware-app/main.ts');

/** The command line that runs Dialtone's entry point (`dialtone ...`), for shells and exchange routes. */
export function dialtoneCommand(...args: string[]): string {
  return [process.execPath, '--import', 'tsx', MAIN_TS, ...args].map(shellQuote).join(' ');
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface Terminal {
  /** Write bytes, in chunks, waiting for each to be taken (backpressure). Resolves once all are written. */
  write(data: string | Uint8Array): Promise<void>;
  /**
   * Wait until the received text (latin1), after the end of the previous match, matches `pattern`;
   * returns the match. Rejects on timeout with the text received so far.
   */
  waitFor(pattern: RegExp | string, timeoutMs: number): Promise<string>;
  /** Wait until at least `n` bytes have arrived after the end of the previous match; returns them and moves past them. */
  take(n: number, timeoutMs: number): Promise<Buffer>;
  /** Everything received so far. */
  readonly buffer: Buffer;
  /** Where the next waitFor/take starts searching (settable: 0 searches everything again). */
  cursor: number;
  close(): Promise<void>;
}

export interface Daemon {
  /** The daemon's process id. */
  pid: number;
  dir: string;
  link: string;
  socket: string;
  configPath: string;
  term: Terminal;
  /** What the daemon printed on stdout (its ready lines: DTE port, panel URL). */
  stdout(): string;
  /** The daemon's stderr (log lines, programs' stderr), the last 1 MB. */
  log(): string;
  /** Wait until the log contains `text` (log lines can trail what the terminal shows); returns the log. */
  waitForLog(text: string, timeoutMs: number): Promise<string>;
  /** Whether the daemon process is still running. */
  alive(): boolean;
  /** Kill the daemon (SIGTERM, then SIGKILL), close the terminal, remove the directory. Idempotent. */
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** Overlaid on config/default.yaml key by key (exchange.numbers adds to the defaults). */
  config?: Record<string, unknown>;
  /** Clock mode; default fast. */
  clock?: 'fast' | 'realtime';
  /** Node options before the entry point (e.g. --cpu-prof for a profile of the daemon). */
  nodeArgs?: string[];
  /** Time allowed for the daemon to print its ready line. */
  startTimeoutMs?: number;
  /** What the test's terminal opens: the daemon's DTE link by default; null for none (a UART the test provides). */
  terminalPath?: string | null;
  /** Added to the daemon's environment. */
  env?: Record<string, string>;
  /** Start the daemon under this umask (through /bin/sh), e.g. 0 to check that modes do not come from it. */
  umask?: number;
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-test-'));
  const link = join(dir, 'modem');
  const socket = join(dir, 'control.sock');
  const configPath = join(dir, 'config.yaml');
  // The panel on any free port (tests run side by side); its URL is in stdout().
  const config = { leds: { backend: 'none' }, mqtt: { enabled: false }, panel: { port: 0 }, ...(opts.config ?? {}) };
  writeFileSync(configPath, stringify(config));
  const args = [...(opts.nodeArgs ?? []), '--import', 'tsx', MAIN_TS, '--clock', opts.clock ?? 'fast', '--link', link, '--socket', socket, '--config', configPath];
  // process.umask() cannot be set from ava's worker threads: the shell sets it, then becomes node.
  const [cmd, argv] =
    opts.umask === undefined
      ? [process.execPath, args]
      : ['/bin/sh', ['-c', `umask ${opts.umask.toString(8).padStart(3, '0')} && exec "$0" "$@"`, process.execPath, ...args]];
  const child = spawn(cmd, argv, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, STATE_DIRECTORY: join(dir, 'state'), ...opts.env },
  });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    log = (log + s).slice(-1 << 20);
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let stopped = false;
  let term: Terminal | null = null;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await term?.close().catch(() => {});
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    // Programs the daemon started (a bridge, rz) may still be closing files here: retry, and never fail on cleanup.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      /* a temporary directory left behind is not a test failure */
    }
  };
  try {
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`daemon not ready after ${opts.startTimeoutMs ?? 90_000} ms:\n${out}\n${log}`)),
        opts.startTimeoutMs ?? 90_000,
      );
      child.stdout.on('data', (s: string) => {
        out += s;
        if (/Dialtone ready\./.test(out)) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`daemon exited (${code ?? signal}) before it was ready:\n${out}\n${log}`));
      });
    });
    term = opts.terminalPath === null ? noTerminal() : await openTerminal(opts.terminalPath ?? link);
  } catch (err) {
    await stop();
    throw err;
  }
  const waitForLog = async (text: string, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!log.includes(text)) {
      if (Date.now() > deadline) throw new Error(`log has no "${text}" after ${timeoutMs} ms:\n${log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return log;
  };
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return { pid: child.pid!, dir, link, socket, configPath, term, stdout: () => out, log: () => log, waitForLog, alive, stop };
}

/** The terminal of a daemon started without one: any use is the test's mistake. */
function noTerminal(): Terminal {
  return receivingTerminal('no terminal', {
    write: () => Promise.reject(new Error('this daemon was started without a terminal (terminalPath: null)')),
    close: () => Promise.resolve(),
  });
}

const CHUNK = 256;

/** Open a pseudo-terminal (or serial port) as a terminal program would: raw, 8N1, no flow control. */
export async function openTerminal(path: string): Promise<Terminal> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((err) => (err ? rej(err) : res())));
  const term = receivingTerminal('terminal', {
    async write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
      for (let i = 0; i < bytes.length; i += CHUNK) {
        const chunk = bytes.subarray(i, i + CHUNK);
        await new Promise<void>((res, rej) => port.write(chunk, (err) => (err ? rej(err) : res())));
      }
    },
    close() {
      return new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res()));
    },
  });
  port.on('data', (chunk: Buffer) => term.receive(chunk));
  port.on('error', () => {});
  return term;
}

/** A Terminal over any byte stream: `receive` is given what arrives; waitFor and take wait for it as documented. */
export function receivingTerminal(name: string, io: Pick<Terminal, 'write' | 'close'>): Terminal & { receive(chunk: Buffer): void } {
  let received = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  const term = {
    cursor: 0,
    get buffer() {
      return received;
    },
    write: io.write,
    close: io.close,
    receive(chunk: Buffer) {
      received = Buffer.concat([received, chunk]);
      for (const w of [...waiters]) w();
    },
    waitFor(pattern: RegExp | string, timeoutMs: number) {
      return wait(
        timeoutMs,
        () => {
          const text = received.subarray(term.cursor).toString('latin1');
          if (typeof pattern === 'string') {
            const i = text.indexOf(pattern);
            if (i < 0) return null;
            term.cursor += i + pattern.length;
            return pattern;
          }
          const m = pattern.exec(text);
          if (!m) return null;
          term.cursor += m.index + m[0].length;
          return m[0];
        },
        () => `waiting for ${String(pattern)}`,
      );
    },
    take(n: number, timeoutMs: number) {
      return wait(
        timeoutMs,
        () => {
          if (received.length - term.cursor < n) return null;
          const bytes = Buffer.from(received.subarray(term.cursor, term.cursor + n));
          term.cursor += n;
          return bytes;
        },
        () => `waiting for ${n} bytes, have ${received.length - term.cursor}`,
      );
    },
  };

  function wait<T>(timeoutMs: number, check: () => T | null, what: () => string): Promise<T> {
    return new Promise<T>((res, rej) => {
      const done = (): void => {
        const v = check();
        if (v === null) return;
        waiters.delete(done);
        clearTimeout(timer);
        res(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        const tail = received.subarray(Math.max(term.cursor, received.length - 400)).toString('latin1');
        rej(new Error(`${name}: timed out after ${timeoutMs} ms ${what()}; received after the cursor: ${JSON.stringify(tail)}`));
      }, timeoutMs);
      waiters.add(done);
      done();
    });
  }
  return term;
}
