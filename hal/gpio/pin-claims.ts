import { GpioError } from './gpio.ts';

/**
 * Who holds which pin of one chip. Every backend (fake, character device, sysfs) checks its arguments here, so a
 * pin out of range or a pin claimed twice is refused with the same message whatever the hardware.
 */
export class PinClaims {
  private readonly held = new Map<number, string>();
  private closed = false;

  constructor(
    private readonly chip: string,
    /** Number of lines: valid pins are 0 .. lines − 1. */
    readonly lines: number,
  ) {}

  /** Check `pin` and mark it used by `use` ("output", "input"); throws GpioError. */
  claim(pin: number, use: string): void {
    if (this.closed) throw new GpioError(`${this.chip}: the GPIO chip is closed`, pin);
    if (!Number.isInteger(pin) || pin < 0 || pin >= this.lines) {
      throw new GpioError(`${this.chip}: pin ${String(pin)} is out of range (this chip has pins 0 to ${this.lines - 1})`, Number.isInteger(pin) ? pin : null);
    }
    const other = this.held.get(pin);
    if (other !== undefined) throw new GpioError(`${this.chip}: pin ${pin} is already claimed (as an ${other})`, pin);
    this.held.set(pin, use);
  }

  release(pin: number): void {
    this.held.delete(pin);
  }

  has(pin: number): boolean {
    return this.held.has(pin);
  }

  /** Pins still held (closing the chip releases them). */
  get pins(): number[] {
    return [...this.held.keys()];
  }

  close(): void {
    this.closed = true;
    this.held.clear();
  }
}

/** A pin object that refuses use after close(). */
export function assertOpen(closed: boolean, chip: string, pin: number): void {
  if (closed) throw new GpioError(`${chip}: pin ${pin} is closed`, pin);
}
