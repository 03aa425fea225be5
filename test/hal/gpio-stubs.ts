/**
 * Stand-ins for what this machine does not have: the kernel's GPIO character device (behind the addon's interface)
 * and onoff on a sysfs tree. They let the same contract run against the chardev and sysfs backends' own code.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GpioChipAddon } from '../../hal/gpio/chardev-chip.ts';
import { Debouncer } from '../../hal/gpio/debounce.ts';

interface StubLine {
  offset: number;
  output: boolean;
  activeLow: boolean;
  value: boolean; // logical
  cb?: (rising: boolean, ts: number) => void;
  debouncer?: Debouncer;
}

/** A scripted GPIO chip behind the addon interface: lines 0..lines-1, one request per line, EBUSY when held. */
export class StubKernel implements GpioChipAddon {
  private next = 100;
  readonly lines = new Map<number, StubLine>();
  readonly chips = new Map<string, { label: string; lines: number }>();
  readonly ioctls: string[] = [];

  openChip(path: string): { fd: number; name: string; label: string; lines: number } {
    const c = this.chips.get(path);
    if (!c) throw Object.assign(new Error(`${path}: No such file or directory`), { code: 'ENOENT' });
    return { fd: 3, name: path.slice(5), ...c };
  }
  lineInfo(_chip: number, offset: number): { name: string; consumer: string; used: boolean } {
    const used = [...this.lines.values()].some((l) => l.offset === offset);
    return { name: `GPIO${offset}`, consumer: used ? 'dialtone' : '', used };
  }
  requestLine(_chip: number, offset: number, flags: number, initial: boolean, debounceUs: number): number {
    if ([...this.lines.values()].some((l) => l.offset === offset)) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
    const fd = this.next++;
    const line: StubLine = { offset, output: (flags & 1) !== 0, activeLow: (flags & 2) !== 0, value: initial };
    if (!line.output) line.debouncer = new Debouncer(false, debounceUs / 1000, (v) => line.cb?.(v, 0));
    this.lines.set(fd, line);
    this.ioctls.push(`request ${offset} flags ${flags} debounce ${debounceUs}`);
    return fd;
  }
  setValue(fd: number, value: boolean): void {
    this.lines.get(fd)!.value = value;
    this.ioctls.push(`set ${this.lines.get(fd)!.offset} ${value}`);
  }
  getValue(fd: number): boolean {
    return this.lines.get(fd)!.value;
  }
  closeFd(fd: number): void {
    this.lines.get(fd)?.debouncer?.close();
    this.lines.delete(fd);
  }
  watch(fd: number, cb: (rising: boolean, ts: number) => void): unknown {
    this.lines.get(fd)!.cb = cb;
    return fd;
  }
  unwatch(): void {}

  /** The electrical level at an input line changes. */
  drive(offset: number, level: boolean): void {
    const line = [...this.lines.values()].find((l) => l.offset === offset && !l.output)!;
    line.value = level !== line.activeLow;
    line.debouncer!.input(line.value);
  }
  /** The electrical level of an output line. */
  level(offset: number): boolean {
    const line = [...this.lines.values()].find((l) => l.offset === offset)!;
    return line.value !== line.activeLow;
  }
}

/** A /sys/class/gpio tree with the header's chip at `base`, and an onoff stand-in that records what it exports. */
export function stubSysfs(label: string, base: number, ngpio = 58) {
  const root = mkdtempSync(join(tmpdir(), 'dialtone-sysfs-'));
  const chipDir = join(root, `gpiochip${base}`);
  mkdirSync(chipDir);
  writeFileSync(join(chipDir, 'label'), `${label}\n`);
  writeFileSync(join(chipDir, 'base'), `${base}\n`);
  writeFileSync(join(chipDir, 'ngpio'), `${ngpio}\n`);
  const exported = new Map<number, { direction: string; value: 0 | 1; watchers: ((e: null, v: 0 | 1) => void)[] }>();
  class Gpio {
    constructor(
      readonly n: number,
      direction: string,
    ) {
      if (exported.has(n)) throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
      exported.set(n, { direction, value: direction === 'high' ? 1 : 0, watchers: [] });
    }
    writeSync(v: 0 | 1): void {
      exported.get(this.n)!.value = v;
    }
    readSync(): 0 | 1 {
      return exported.get(this.n)!.value;
    }
    watch(cb: (e: null, v: 0 | 1) => void): void {
      exported.get(this.n)!.watchers.push(cb);
    }
    unwatchAll(): void {}
    unexport(): void {
      exported.delete(this.n);
    }
  }
  const drive = (n: number, level: boolean): void => {
    const e = exported.get(n)!;
    e.value = level ? 1 : 0;
    for (const w of e.watchers) w(null, e.value);
  };
  return { root, exported, onoff: { Gpio } as never, drive };
}
