/**
 * The PPP test VMs: qemu-system-x86_64 under TCG with Debian's kernel and an initramfs holding pppd (built by
 * build-vm.sh from Debian packages, cached in run/ppp-vm/). Each VM has no network device; ttyS0 is its console
 * (read here line by line), ttyS1 its modem port: Dialtone's pseudo-terminal (client) or a socket the exchange's
 * answering modem reaches through its program host (server).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/daemon.ts';

export const VM_CACHE = join(REPO_ROOT, 'run/ppp-vm');
const PACKAGES = 'apt-get install qemu-system-x86 busybox-static ppp socat (and apt-get update for linux-image-amd64)';

export interface VmImage {
  dir: string;
  /** sha256 of the files the server serves, by name (random.bin, text.txt: 262144 bytes each). */
  sha256: Record<string, string>;
}

let built: VmImage | string | null = null;

/** Build (or reuse) the VM image; a string is why it cannot be had on this machine, with what to install. */
export function vmImage(): VmImage | string {
  if (built) return built;
  for (const [tool, pkg] of [['qemu-system-x86_64', 'qemu-system-x86'], ['socat', 'socat']]) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    } catch {
      return (built = `${tool} not found: ${PACKAGES} (missing: ${pkg})`);
    }
  }
  try {
    const dir = execFileSync('sh', [join(REPO_ROOT, 'test/ppp/build-vm.sh'), VM_CACHE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const sha256: Record<string, string> = {};
    for (const line of readFileSync(join(dir, 'www.sha256'), 'utf8').split('\n')) {
      const [hash, name] = line.trim().split(/\s+/);
      if (name) sha256[name] = hash;
    }
    return (built = { dir, sha256 });
  } catch (err) {
    const e = err as { status?: number; stderr?: string };
    if (e.status === 3) return (built = `${(e.stderr ?? '').trim()} (${PACKAGES})`);
    throw err;
  }
}

export type ModemPort = { kind: 'tty'; path: string } | { kind: 'socket'; path: string };

export interface ConsoleLine {
  at: number;
  lineMs: number;
  text: string;
}

export interface Vm {
  /** Console lines so far (DT- lines and pppd's log), each with the wall time it arrived (ms, performance.now()) and the line clock then. */
  readonly lines: ConsoleLine[];
  /** Wait for a console line matching `pattern`, after line index `from`; returns its match. */
  waitFor(pattern: RegExp, timeoutMs: number, from?: number): Promise<RegExpMatchArray>;
  /** Resolves when qemu has exited. */
  readonly exited: Promise<void>;
  console(): string;
  stop(): Promise<void>;
}

/** Boot a VM: role client or server, dt.* parameters on the kernel command line, ttyS1 on `port`. */
export function startVm(
  image: VmImage,
  role: 'client' | 'server',
  params: Record<string, string | number>,
  port: ModemPort,
  lineClock: () => number = () => 0,
): Vm {
  // no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can fail (a panic at boot), seen here.
  const append = ['console=ttyS0', 'quiet', 'panic=-1', 'no_timer_check', `dt.role=${role}`, ...Object.entries(params).map(([k, v]) => `dt.${k}=${v}`)].join(' ');
  const chardev = port.kind === 'tty' ? `serial,id=modem,path=${port.path}` : `socket,id=modem,path=${port.path},server=on,wait=off`;
  const args = [
    '-accel', 'tcg', '-m', '160', '-nodefaults', '-display', 'none', '-no-reboot', '-nic', 'none',
    '-kernel', join(image.dir, 'vmlinuz'), '-initrd', join(image.dir, 'initrd.cpio.gz'), '-append', append,
    '-serial', 'stdio', '-chardev', chardev, '-device', 'isa-serial,chardev=modem',
  ];
  const child: ChildProcess = spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: ConsoleLine[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  const take = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString('latin1')).split(/\r?\n/);
    partial = parts.pop() ?? '';
    const at = performance.now();
    const lineMs = lineClock();
    for (const p of parts) lines.push({ at, lineMs, text: p.replace(/\r/g, '') });
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const w of [...waiters]) w();
  });
  const waitFor = (pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        for (let i = from; i < lines.length; i++) {
          const m = pattern.exec(lines[i].text);
          if (m) return done(() => resolve(m));
        }
        if (gone) done(() => reject(new Error(`${role} VM exited before ${String(pattern)}:\n${tail()}`)));
      };
      const done = (f: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${role} VM: no ${String(pattern)} after ${timeoutMs} ms:\n${tail()}`))), timeoutMs);
      waiters.add(check);
      check();
    });
  const tail = (): string => lines.slice(-60).map((l) => l.text).join('\n');
  const stop = async (): Promise<void> => {
    if (!gone) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  return { lines, waitFor, exited, console: () => lines.map((l) => l.text).join('\n'), stop };
}
