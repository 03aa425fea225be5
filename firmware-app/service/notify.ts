import { createRequire } from 'node:module';

/** The part of unix-dgram's socket that we use (the package ships no types). */
interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error & { code?: number | string }) => void): void;
  on(event: 'writable' | 'error', listener: (err?: Error) => void): void;
  close(): void;
}

const require = createRequire(import.meta.url);

/**
 * sd_notify(3) from the daemon's own process: each message is one datagram to the Unix socket named in
 * $NOTIFY_SOCKET, so systemd attributes it to the main PID (no NotifyAccess=all, no race with a helper that exits).
 * Node has no Unix datagram sockets; unix-dgram (a small native addon) provides sendto(2). Sending never throws:
 * a failure is logged, and a datagram the socket could not take now (EAGAIN) is sent again when it becomes writable.
 */
export class SystemdNotifier {
  private socket: UnixDgramSocket | null = null;
  private readonly pending: Buffer[] = [];
  private failedOnce = false;

  private constructor(
    readonly path: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The notifier for $NOTIFY_SOCKET, or null when not started by systemd (or the socket cannot be used). */
  static fromEnv(env: NodeJS.ProcessEnv, log: (line: string) => void): SystemdNotifier | null {
    const path = env.NOTIFY_SOCKET;
    if (!path) return null;
    if (path.startsWith('@')) {
      // unix-dgram copies the address with strncpy: an abstract name (leading NUL) cannot be expressed.
      log(`sd_notify: abstract NOTIFY_SOCKET ${path} is not supported; systemd notifications are off`);
      return null;
    }
    if (!path.startsWith('/')) {
      log(`sd_notify: NOTIFY_SOCKET ${path} is not an absolute path; systemd notifications are off`);
      return null;
    }
    return new SystemdNotifier(path, log);
  }

  /**
   * The watchdog period systemd expects pings within ($WATCHDOG_USEC), in ms, or null when the watchdog is off or
   * meant for another process ($WATCHDOG_PID), as sd_watchdog_enabled(3) decides.
   */
  static watchdogMs(env: NodeJS.ProcessEnv, pid = process.pid): number | null {
    const usec = Number(env.WATCHDOG_USEC);
    if (!Number.isFinite(usec) || usec <= 0) return null;
    if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
    return usec / 1000;
  }

  /** Send assignments such as { READY: '1', STATUS: 'command mode' } as one datagram. */
  notify(fields: Record<string, string | number>): void {
    const text = Object.entries(fields)
      .map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}`)
      .join('\n');
    this.send(Buffer.from(text, 'utf8'));
  }

  ready(status: string): void {
    this.notify({ READY: 1, STATUS: status });
  }

  status(status: string): void {
    this.notify({ STATUS: status });
  }

  watchdog(): void {
    this.notify({ WATCHDOG: 1 });
  }

  stopping(status = 'stopping'): void {
    this.notify({ STOPPING: 1, STATUS: status });
  }

  private open(): UnixDgramSocket | null {
    if (this.socket) return this.socket;
    try {
      const mod = require('unix-dgram') as { createSocket(type: 'unix_dgram'): UnixDgramSocket };
      const s = mod.createSocket('unix_dgram');
      s.on('error', (err) => this.fail(err));
      s.on('writable', () => this.flush());
      this.socket = s;
    } catch (err) {
      this.fail(err as Error);
    }
    return this.socket;
  }

  private send(buf: Buffer): void {
    if (this.pending.length > 0) {
      this.queue(buf);
      return;
    }
    const s = this.open();
    if (!s) return;
    s.send(buf, 0, buf.length, this.path, (err) => {
      if (!err) return;
      if (err.message === 'congestion') this.queue(buf);
      else this.fail(err);
    });
  }

  private queue(buf: Buffer): void {
    // WATCHDOG=1 needs no resending if a newer message is waiting; keep the queue short either way.
    if (this.pending.length >= 16) this.pending.shift();
    this.pending.push(buf);
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    for (const buf of batch) this.send(buf);
  }

  private fail(err?: Error): void {
    if (this.failedOnce) return;
    this.failedOnce = true; // once: a missing systemd must not flood the log every watchdog period
    this.log(`sd_notify: cannot send to ${this.path}: ${err?.message ?? 'unknown error'}`);
  }

  close(): void {
    try {
      this.socket?.close();
    } catch {
      // already closed
    }
    this.socket = null;
  }
}
