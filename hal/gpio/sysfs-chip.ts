import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Direction, Gpio as OnoffGpio } from 'onoff';
import { Debouncer } from './debounce.ts';
import { GpioError } from './gpio.ts';
import type { GpioChip, GpioInputOptions, GpioInputPin, GpioOutputOptions, GpioOutputPin } from './gpio.ts';
import { HEADER_CHIP_LABELS } from './chardev-chip.ts';
import { assertOpen, PinClaims } from './pin-claims.ts';

export const SYSFS_GPIO = '/sys/class/gpio';

/** One chip as /sys/class/gpio lists it: its first sysfs number (base) and how many lines it has. */
export interface SysfsChipInfo {
  dir: string;
  label: string;
  base: number;
  ngpio: number;
}

/** The chips under /sys/class/gpio (empty when the kernel has no sysfs GPIO). */
export function listSysfsChips(root = SYSFS_GPIO): SysfsChipInfo[] {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => /^gpiochip\d+$/.test(n));
  } catch {
    return [];
  }
  const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8').trim();
  const out: SysfsChipInfo[] = [];
  for (const n of names) {
    const dir = join(root, n);
    try {
      out.push({ dir, label: read(dir, 'label'), base: Number(read(dir, 'base')), ngpio: Number(read(dir, 'ngpio')) });
    } catch {
      /* a chip directory we cannot read is not the header's */
    }
  }
  return out;
}

/**
 * The chip carrying the header's BCM GPIOs. Recent kernels number sysfs GPIOs from a per-chip base that is not 0
 * (512 on a Pi 4 and 571 on a Pi 5 have been reported), so the base is read, never assumed.
 */
export function headerChip(root = SYSFS_GPIO): SysfsChipInfo | null {
  const chips = listSysfsChips(root);
  return chips.find((c) => HEADER_CHIP_LABELS.includes(c.label)) ?? null;
}

type OnoffModule = { Gpio: typeof OnoffGpio };

function loadOnoff(): OnoffModule {
  try {
    return createRequire(import.meta.url)('onoff') as OnoffModule;
  } catch (err) {
    throw new GpioError(`the onoff package is not installed or its epoll addon is not built: ${(err as Error).message}`);
  }
}

/**
 * GPIO through the deprecated sysfs interface, with onoff (the design's package). Pins are BCM numbers; each is
 * exported as base + BCM. Sysfs has no bias control: inputs need a driven signal or an external pull resistor
 * (the transceiver's receiver outputs are driven). Debounce is done here in software.
 */
export class SysfsGpioChip implements GpioChip {
  readonly name = 'sysfs';
  readonly base: number;
  readonly label: string;
  private readonly claims: PinClaims;
  private readonly open = new Map<number, () => void>();

  constructor(
    root = SYSFS_GPIO,
    private readonly onoff: OnoffModule = loadOnoff(),
  ) {
    const chip = headerChip(root);
    if (!chip) throw new GpioError(`no GPIO chip labelled ${HEADER_CHIP_LABELS.join(' or ')} under ${root} (is this a Raspberry Pi with sysfs GPIO?)`);
    this.base = chip.base;
    this.label = chip.label;
    this.claims = new PinClaims(`sysfs ${chip.label}`, chip.ngpio);
  }

  output(pin: number, opts: GpioOutputOptions = {}): GpioOutputPin {
    this.claims.claim(pin, 'output');
    // 'high'/'low' set the direction and the level in one step: no glitch at start.
    const level = (opts.initial ?? false) !== (opts.activeLow ?? false);
    const gpio = this.export(pin, level ? 'high' : 'low');
    let closed = false;
    const invert = opts.activeLow === true;
    const close = this.closer(pin, gpio, () => (closed = true));
    return {
      pin,
      write: (value) => {
        assertOpen(closed, this.name, pin);
        gpio.writeSync(value !== invert ? 1 : 0);
      },
      close,
    };
  }

  input(pin: number, opts: GpioInputOptions = {}): GpioInputPin {
    this.claims.claim(pin, 'input');
    const gpio = this.export(pin, 'in', true);
    const invert = opts.activeLow === true;
    const read = (): boolean => (gpio.readSync() === 1) !== invert;
    const listeners: ((v: boolean) => void)[] = [];
    const debouncer = new Debouncer(read(), opts.debounceMs ?? 0, (v) => {
      for (const l of listeners) l(v);
    });
    gpio.watch((err, value) => {
      if (!err) debouncer.input((value === 1) !== invert);
    });
    let closed = false;
    const close = this.closer(pin, gpio, () => {
      closed = true;
      debouncer.close();
    });
    return {
      pin,
      read: () => {
        assertOpen(closed, this.name, pin);
        return read();
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
  }

  private export(pin: number, direction: Direction, edges = false): OnoffGpio {
    try {
      return new this.onoff.Gpio(this.base + pin, direction, edges ? 'both' : 'none');
    } catch (err) {
      this.claims.release(pin);
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === 'EACCES' ? 'permission denied (add the user to the gpio group)' : e.code === 'EBUSY' ? 'in use by a driver or another program' : e.message;
      throw new GpioError(`sysfs GPIO ${this.base + pin} (BCM ${pin}): ${why}`, pin);
    }
  }

  private closer(pin: number, gpio: OnoffGpio, mark: () => void): () => void {
    let done = false;
    const close = (): void => {
      if (done) return;
      done = true;
      mark();
      gpio.unwatchAll();
      gpio.unexport();
      this.open.delete(pin);
      this.claims.release(pin);
    };
    this.open.set(pin, close);
    return close;
  }
}
