import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GpioError } from './gpio.ts';
import type { GpioChip, GpioInputOptions, GpioInputPin, GpioOutputOptions, GpioOutputPin } from './gpio.ts';
import { assertOpen, PinClaims } from './pin-claims.ts';

/** The C addon (hal/gpio/native/gpiochip.c): the kernel's GPIO uAPI v2, one request fd per line. */
export interface GpioChipAddon {
  openChip(path: string): { fd: number; name: string; label: string; lines: number };
  lineInfo(chipFd: number, offset: number): { name: string; consumer: string; used: boolean };
  requestLine(chipFd: number, offset: number, flags: number, initial: boolean, debounceUs: number, consumer: string): number;
  setValue(lineFd: number, value: boolean): void;
  getValue(lineFd: number): boolean;
  closeFd(fd: number): void;
  watch(lineFd: number, cb: (rising: boolean, timestampNs: number) => void): unknown;
  unwatch(handle: unknown): void;
}

const OUTPUT = 1;
const ACTIVE_LOW = 2;
const PULL_UP = 4;
const PULL_DOWN = 8;
const BIAS_OFF = 16;
const CONSUMER = 'dialtone';

export function loadGpioAddon(): GpioChipAddon {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  try {
    return createRequire(import.meta.url)(resolve(root, 'build/Release/gpiochip.node')) as GpioChipAddon;
  } catch (err) {
    throw new GpioError(`the GPIO character-device addon is not built (run "npm ci" or "npm run install"): ${(err as Error).message}`);
  }
}

/** Advice for the errors a user can fix. */
function explain(err: unknown, what: string): GpioError {
  const e = err as NodeJS.ErrnoException;
  const hint: Record<string, string> = {
    ENOENT: 'no such GPIO chip (ls /dev/gpiochip*)',
    EACCES: 'permission denied: add the user to the gpio group (sudo usermod -aG gpio $USER) and log in again',
    EPERM: 'permission denied: add the user to the gpio group',
    EBUSY: 'the line is in use by another program or driver (gpioinfo shows its consumer)',
    ENOTTY: 'not a GPIO character device',
    EINVAL: 'the kernel refused the line configuration (bias or debounce not supported?)',
  };
  return new GpioError(`${what}: ${hint[e.code ?? ''] ?? e.message}`);
}

/** The GPIO chips the kernel offers as character devices, with their labels ("pinctrl-bcm2711", "pinctrl-rp1"). */
export function listCharDevChips(addon: GpioChipAddon, devDir = '/dev'): { path: string; label: string; lines: number }[] {
  let names: string[];
  try {
    names = readdirSync(devDir).filter((n) => /^gpiochip\d+$/.test(n));
  } catch {
    return [];
  }
  const out: { path: string; label: string; lines: number }[] = [];
  for (const n of names.sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))) {
    const path = `${devDir}/${n}`;
    try {
      const c = addon.openChip(path);
      addon.closeFd(c.fd);
      out.push({ path, label: c.label, lines: c.lines });
    } catch {
      out.push({ path, label: '(cannot open)', lines: 0 });
    }
  }
  return out;
}

/** Labels of the chip whose lines are the 40-pin header's BCM GPIOs: Pi 0–3, Pi 4, Pi 5 (RP1). */
export const HEADER_CHIP_LABELS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'];

/**
 * GPIO through /dev/gpiochipN (Linux 5.10+). BCM numbers are line offsets on the header's chip. Writes are one
 * ioctl; inputs are watched by libuv on the request fd, and debounced by the kernel.
 */
export class CharDevGpioChip implements GpioChip {
  readonly name: string;
  readonly label: string;
  /** Lines on the chip: valid offsets are 0 .. lines − 1. */
  readonly lines: number;
  private readonly fd: number;
  private readonly claims: PinClaims;
  private readonly open = new Map<number, () => void>();

  constructor(
    readonly path: string,
    private readonly addon: GpioChipAddon = loadGpioAddon(),
  ) {
    let info: ReturnType<GpioChipAddon['openChip']>;
    try {
      info = addon.openChip(path);
    } catch (err) {
      throw explain(err, path);
    }
    this.fd = info.fd;
    this.name = path;
    this.label = info.label;
    this.lines = info.lines;
    this.claims = new PinClaims(path, info.lines);
  }

  /** Is the line free in the kernel (no other program or driver holds it)? For `dialtone doctor`. */
  lineUser(pin: number): string | null {
    const li = this.addon.lineInfo(this.fd, pin);
    return li.used ? li.consumer || 'the kernel' : null;
  }

  output(pin: number, opts: GpioOutputOptions = {}): GpioOutputPin {
    this.claims.claim(pin, 'output');
    const fd = this.request(pin, OUTPUT | (opts.activeLow ? ACTIVE_LOW : 0), opts.initial ?? false, 0);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.release(pin, fd);
    };
    this.open.set(pin, close);
    return {
      pin,
      write: (value) => {
        assertOpen(closed, this.name, pin);
        this.addon.setValue(fd, value);
      },
      close,
    };
  }

  input(pin: number, opts: GpioInputOptions = {}): GpioInputPin {
    this.claims.claim(pin, 'input');
    const bias = opts.bias === 'pull-up' ? PULL_UP : opts.bias === 'pull-down' ? PULL_DOWN : opts.bias === 'none' ? BIAS_OFF : 0;
    const fd = this.request(pin, (opts.activeLow ? ACTIVE_LOW : 0) | bias, false, Math.round((opts.debounceMs ?? 0) * 1000));
    const listeners: ((v: boolean) => void)[] = [];
    let last = this.addon.getValue(fd);
    // Edge events say rising/falling of the logical value (active-low already applied by the kernel); report changes.
    const handle = this.addon.watch(fd, (rising) => {
      if (rising === last) return;
      last = rising;
      for (const l of listeners) l(rising);
    });
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.release(pin, fd, () => this.addon.unwatch(handle));
    };
    this.open.set(pin, close);
    return {
      pin,
      read: () => {
        assertOpen(closed, this.name, pin);
        return this.addon.getValue(fd);
      },
      onChange: (l) => {
        listeners.push(l);
      },
      close,
    };
  }

  close(): void {
    for (const close of [...this.open.values()]) close();
    this.claims.close();
    this.addon.closeFd(this.fd);
  }

  /** Give a line back to the kernel (its edge watch first, for an input) and free its claim. */
  private release(pin: number, fd: number, unwatch?: () => void): void {
    unwatch?.();
    this.addon.closeFd(fd);
    this.open.delete(pin);
    this.claims.release(pin);
  }

  private request(pin: number, flags: number, initial: boolean, debounceUs: number): number {
    try {
      return this.addon.requestLine(this.fd, pin, flags, initial, debounceUs, CONSUMER);
    } catch (err) {
      this.claims.release(pin);
      throw new GpioError(explain(err, `${this.name} line ${pin}`).message, pin);
    }
  }
}
