// The built card in an emulated arm64 machine: qemu-system-aarch64 -M virt (TCG), Debian's kernel and initrd from the
// image, the card as a virtio disk. The machine's one PL011 UART (ttyAMA0, the Pi's DTE UART driver) is a Unix socket
// the test talks AT on; the kernel console is a virtio console (hvc0, to a log file) so the DTE line stays clean, and
// a second virtio console (hvc1) carries systemd's debug shell, through which the test reads /proc and powers off.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

export interface Card {
  image: string;
  kernel: string;
  initrd: string;
  bootOffset: number;
}

export function loadCard(dir: string): Card {
  const env = Object.fromEntries(
    readFileSync(join(dir, 'layout.env'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
  return { image: join(dir, 'dialtone.img'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), bootOffset: Number(env.BOOT_OFFSET) };
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** A byte stream over a qemu chardev socket, with "wait until the text since the mark matches". */
export class Line {
  text = '';
  private mark = 0;
  private waiters: (() => void)[] = [];
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.text += d.toString('latin1');
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async connect(path: string, timeoutMs: number): Promise<Line> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        const sock = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(path, () => resolve(s));
          s.once('error', reject);
        });
        return new Line(sock);
      } catch (e) {
        if (Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  write(s: string): void {
    this.sock.write(Buffer.from(s, 'latin1'));
  }

  /** Everything after the mark, and moves the mark to the end. */
  take(): string {
    const s = this.text.slice(this.mark);
    this.mark = this.text.length;
    return s;
  }

  /** Waits for re in the text after the mark; moves the mark past the match. Null on timeout. */
  async expect(re: RegExp, timeoutMs: number): Promise<RegExpExecArray | null> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.text.slice(this.mark));
      if (m) {
        this.mark += m.index + m[0].length;
        return m;
      }
      const left = until - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

export interface VmOptions {
  /** dialtone.yaml put on the boot partition before power-on (the first-boot hand-off). */
  bootYaml?: string;
  mqttPort: number;
  smp?: number;
  memoryMb?: number;
}

export class Vm {
  readonly dir: string;
  readonly card: string;
  qemu!: ChildProcess;
  poweredOnAt = 0;
  dte!: Line;
  shell!: Line;
  exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly base: Card,
    readonly name: string,
    workDir: string,
  ) {
    this.dir = join(workDir, name);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    this.card = join(this.dir, 'card.img');
  }

  /** A private copy of the card (sparse), with the boot-partition dialtone.yaml if given. */
  prepare(bootYaml?: string): void {
    run('cp', ['--sparse=always', this.base.image, this.card]);
    if (bootYaml !== undefined) {
      const f = join(this.dir, 'dialtone.yaml');
      writeFileSync(f, bootYaml);
      run('mcopy', ['-o', '-i', `${this.card}@@${this.base.bootOffset}`, f, '::dialtone.yaml']);
    }
  }

  /** Reads a file from the card's FAT partition (after power-off), or null if it is not there. */
  bootFile(name: string): string | null {
    const r = spawnSync('mtype', ['-i', `${this.card}@@${this.base.bootOffset}`, `::${name}`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : null;
  }

  bootFiles(): string[] {
    return run('mdir', ['-b', '-i', `${this.card}@@${this.base.bootOffset}`, '::'])
      .split('\n')
      .map((l) => l.replace(/^::\/?/, '').trim())
      .filter(Boolean);
  }

  async powerOn(opts: VmOptions): Promise<void> {
    this.prepare(opts.bootYaml);
    const sock = (n: string) => join(this.dir, `${n}.sock`);
    const args = [
      '-M',
      'virt',
      '-cpu',
      'max',
      '-accel',
      'tcg,thread=multi',
      '-smp',
      String(opts.smp ?? 2),
      '-m',
      String(opts.memoryMb ?? 1024),
      '-display',
      'none',
      '-monitor',
      'none',
      '-no-reboot',
      '-kernel',
      this.base.kernel,
      '-initrd',
      this.base.initrd,
      '-append',
      'root=LABEL=RASPIROOT rw rootwait console=hvc0 systemd.debug_shell=hvc1',
      '-drive',
      `file=${this.card},format=raw,if=virtio`,
      '-chardev',
      `socket,id=dte,path=${sock('dte')},server=on,wait=off`,
      '-serial',
      'chardev:dte',
      '-device',
      'virtio-serial-device',
      '-chardev',
      `file,id=con,path=${join(this.dir, 'console.log')}`,
      '-device',
      'virtconsole,chardev=con',
      '-chardev',
      `socket,id=sh,path=${sock('shell')},server=on,wait=off`,
      '-device',
      'virtconsole,chardev=sh',
      '-nic',
      `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${opts.mqttPort}-:1883`,
    ];
    this.poweredOnAt = performance.now();
    this.qemu = spawn('qemu-system-aarch64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    this.qemu.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    this.exited = new Promise((r) =>
      this.qemu.once('exit', (code) => {
        if (code) console.error(`qemu (${this.name}) exited ${code}: ${err}`);
        r(code);
      }),
    );
    this.dte = await Line.connect(sock('dte'), 20_000);
    this.shell = await Line.connect(sock('shell'), 20_000);
  }

  sincePowerOn(): number {
    return (performance.now() - this.poweredOnAt) / 1000;
  }

  console(): string {
    const f = join(this.dir, 'console.log');
    return existsSync(f) ? readFileSync(f, 'latin1') : '';
  }

  /** Sends AT every 2 s until OK comes back; the seconds from power-on, or null. */
  async bootToOk(timeoutS: number): Promise<number | null> {
    while (this.sincePowerOn() < timeoutS) {
      if (this.qemu.exitCode !== null) return null;
      this.dte.take();
      this.dte.write('AT\r');
      if (await this.dte.expect(/\r\nOK\r\n/, 2000)) return this.sincePowerOn();
    }
    return null;
  }

  /** Runs a command in the debug shell on hvc1; its output between markers the shell's echo cannot produce. */
  async sh(command: string, timeoutMs = 60_000): Promise<string> {
    const id = Math.random().toString(36).slice(2, 8);
    this.shell.write(`echo "@@B""${id}@@"; ${command}; echo "@@E""${id}@@"\n`);
    const m = await this.shell.expect(new RegExp(`@@B${id}@@\\r?\\n([\\s\\S]*?)@@E${id}@@`), timeoutMs);
    if (!m) throw new Error(`no answer from the VM's debug shell to: ${command}\n${this.shell.text.slice(-2000)}`);
    return m[1].replace(/\r/g, '').trim();
  }

  /** Waits until the debug shell answers (systemd has started debug-shell.service). */
  async shellReady(timeoutS: number): Promise<boolean> {
    while (this.sincePowerOn() < timeoutS) {
      this.shell.write('\n');
      try {
        await this.sh('true', 3000);
        return true;
      } catch {
        /* not yet */
      }
    }
    return false;
  }

  /** The daemon's resident memory (kB) and CPU ticks (utime+stime), with the VM's uptime and clock ticks per second. */
  async daemonSample(): Promise<{ pid: number; rssKb: number; ticks: number; uptimeS: number; hz: number }> {
    const out = await this.sh(
      'P=$(systemctl show -p MainPID --value dialtone.service); echo "$P $(awk \'/^VmRSS/ {print $2}\' /proc/$P/status) $(cut -d" " -f14,15 /proc/$P/stat) $(cut -d" " -f1 /proc/uptime) $(getconf CLK_TCK)"',
    );
    const [pid, rss, ut, st, up, hz] = out.split(/\s+/).map(Number);
    return { pid, rssKb: rss, ticks: ut + st, uptimeS: up, hz };
  }

  /** systemctl poweroff through the debug shell; the seconds until qemu exits, or null (then it is killed). */
  async powerOff(timeoutS = 180): Promise<number | null> {
    const t0 = performance.now();
    if (this.qemu.exitCode === null) this.shell.write('systemctl poweroff\n');
    const done = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutS * 1000))]);
    if (!done) {
      this.qemu.kill('SIGKILL');
      await this.exited;
    }
    this.dte.close();
    this.shell.close();
    return done ? (performance.now() - t0) / 1000 : null;
  }

  kill(): void {
    if (this.qemu && this.qemu.exitCode === null) this.qemu.kill('SIGKILL');
  }
}
