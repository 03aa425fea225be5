/**
 * One daemon per port. Each thing a daemon takes for itself (its state directory, the DTE port's link or the UART,
 * the control socket) is claimed with a lock file in the UUCP style that serial programs (cu, minicom, picocom)
 * have long shared: the holder's PID as ten ASCII digits and a newline, created with O_EXCL so exactly one process
 * wins. A lock whose process is gone (a crash, a power cut) is stale and taken over; a live one refuses the second
 * daemon with the holder's PID, before it opens anything.
 */
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

export class LockRefused extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
    readonly what: string,
  ) {
    super(`${what} is in use by another Dialtone daemon (PID ${pid}, lock ${path})`);
  }
}

/** The PID a lock file names, or null when the file is missing or not a lock. */
function readPid(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Whether `pid` is a live process other than this one (EPERM: alive, owned by another user). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false; // our own PID in a lock we did not make: left by an earlier life of a reused PID
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A PID reused by an unrelated program after a power cut is not a holder; without /proc, trust the PID.
  try {
    return /dialtone|main\.ts/.test(readFileSync(`/proc/${pid}/cmdline`, 'latin1'));
  } catch {
    return true;
  }
}

/** The live daemon holding the lock at `path`, if any. */
export function lockHolder(path: string): number | null {
  const pid = readPid(path);
  return pid !== null && alive(pid) ? pid : null;
}

export class PidLock {
  private released = false;

  private constructor(readonly path: string) {}

  /** Takes the lock at `path` for this process, or throws LockRefused naming the live holder. */
  static acquire(path: string, what: string): PidLock {
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx', 0o644);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = lockHolder(path);
        if (holder !== null) throw new LockRefused(path, holder, what);
        // Stale (or half written by a holder that died at once): remove it and try again.
        try {
          unlinkSync(path);
        } catch {
          /* another starter removed it first */
        }
        continue;
      }
      try {
        writeSync(fd, `${String(process.pid).padStart(10)}\n`);
      } finally {
        closeSync(fd);
      }
      return new PidLock(path);
    }
    const holder = lockHolder(path);
    throw new LockRefused(path, holder ?? 0, what);
  }

  /** Removes the lock, only if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (readPid(this.path) !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}

/** Where the daemon keeps profiles, the call log and recordings: systemd's StateDirectory=, else ./state. */
export function stateDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.STATE_DIRECTORY?.split(':')[0] || 'state';
}

export const STATE_LOCK = 'dialtone.pid';

/** UUCP's name for a device's lock (FHS 3.0 §5.9): LCK.. and the device's name under /dev, '/' as '_'. */
export function uucpLockPath(device: string, lockDir = process.env.DIALTONE_LOCK_DIR ?? '/var/lock'): string {
  let real = resolve(device);
  try {
    real = realpathSync(device);
  } catch {
    /* not there yet: lock the name given */
  }
  const name = real.startsWith('/dev/') ? relative('/dev', real).replace(/\//g, '_') : basename(real);
  return join(lockDir, `LCK..${name}`);
}

export interface DaemonLockSpec {
  path: string;
  what: string;
  /** Skipped (with a log line) when the lock cannot be written at all; a live holder still refuses. */
  optional?: boolean;
}

/** The lock files a daemon with this configuration takes, each with what it protects (for the refusal message). */
export function daemonLocks(o: { stateDir: string; serial: { backend: string; link: string; device?: string | null }; socket: string }): DaemonLockSpec[] {
  const locks: DaemonLockSpec[] = [{ path: join(o.stateDir, STATE_LOCK), what: `the state directory ${o.stateDir}` }];
  if (o.serial.backend === 'pty') locks.push({ path: `${o.serial.link}.lock`, what: `the DTE link ${o.serial.link}` });
  if (o.serial.backend === 'serialport') {
    const dev = o.serial.device ?? '/dev/serial0';
    // The system's lock directory may not be writable by the service user: then the state directory's lock still holds.
    locks.push({ path: uucpLockPath(dev), what: `the serial port ${dev}`, optional: true });
  }
  locks.push({ path: `${o.socket}.lock`, what: `the control socket ${o.socket}` });
  return locks;
}

/** Takes every lock or none: on a refusal the ones already taken are given back. */
export function acquireDaemonLocks(locks: DaemonLockSpec[], log: (line: string) => void): PidLock[] {
  const held: PidLock[] = [];
  try {
    for (const l of locks) {
      try {
        held.push(PidLock.acquire(l.path, l.what));
      } catch (err) {
        if (err instanceof LockRefused || !l.optional) throw err;
        log(`lock: cannot write ${l.path} (${(err as Error).message}); ${l.what} is locked through the state directory only`);
      }
    }
  } catch (err) {
    for (const h of held) h.release();
    throw err;
  }
  return held;
}
