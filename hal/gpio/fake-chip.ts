import { Debouncer } from './debounce.ts';
import type { GpioChip, GpioInputOptions, GpioInputPin, GpioOutputOptions, GpioOutputPin } from './gpio.ts';
import { assertOpen, PinClaims } from './pin-claims.ts';

/** One write to an output pin, as the fake chip saw it (electrical level, after active-low). */
export interface FakeWrite {
  pin: number;
  level: boolean;
}

/**
 * The simulated GPIO chip, for tests and for running the GPIO code paths without a Pi. It checks its arguments
 * exactly like the real backends (the same PinClaims), records every electrical write, and lets a test drive input
 * pins (including bouncing contacts) with drive().
 */
export class FakeGpioChip implements GpioChip {
  readonly name: string;
  /** Every write to an output, in order (bounded: the most recent 10,000). */
  readonly writes: FakeWrite[] = [];
  private readonly claims: PinClaims;
  private readonly levels: boolean[];
  private readonly inputs = new Map<number, (level: boolean) => void>();
  private readonly pins = new Map<number, () => void>(); // pin → its close()

  constructor(lines = 28, name = 'fake') {
    this.name = name;
    this.claims = new PinClaims(name, lines);
    this.levels = new Array<boolean>(lines).fill(false);
  }

  output(pin: number, opts: GpioOutputOptions = {}): GpioOutputPin {
    this.claims.claim(pin, 'output');
    const invert = opts.activeLow === true;
    let closed = false;
    const set = (value: boolean): void => {
      const level = value !== invert;
      this.levels[pin] = level;
      this.writes.push({ pin, level });
      if (this.writes.length > 10_000) this.writes.splice(0, this.writes.length - 10_000);
    };
    set(opts.initial ?? false);
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.pins.delete(pin);
      this.claims.release(pin);
    };
    this.pins.set(pin, close);
    return {
      pin,
      write: (value) => {
        assertOpen(closed, this.name, pin);
        set(value);
      },
      close,
    };
  }

  input(pin: number, opts: GpioInputOptions = {}): GpioInputPin {
    this.claims.claim(pin, 'input');
    const invert = opts.activeLow === true;
    if (opts.bias === 'pull-up') this.levels[pin] = true;
    else if (opts.bias === 'pull-down') this.levels[pin] = false;
    const listeners: ((value: boolean) => void)[] = [];
    const debouncer = new Debouncer(this.levels[pin] !== invert, opts.debounceMs ?? 0, (v) => {
      for (const l of listeners) l(v);
    });
    let closed = false;
    this.inputs.set(pin, (level) => debouncer.input(level !== invert));
    const close = (): void => {
      if (closed) return;
      closed = true;
      debouncer.close();
      this.inputs.delete(pin);
      this.pins.delete(pin);
      this.claims.release(pin);
    };
    this.pins.set(pin, close);
    return {
      pin,
      read: () => {
        assertOpen(closed, this.name, pin);
        return this.levels[pin] !== invert;
      },
      onChange: (l) => {
        listeners.push(l);
      },
      close,
    };
  }

  /** The test side: set the electrical level on an input pin (call it repeatedly to make a contact bounce). */
  drive(pin: number, level: boolean): void {
    const input = this.inputs.get(pin);
    if (!input) throw new Error(`fake GPIO: pin ${pin} is not a claimed input`);
    this.levels[pin] = level;
    input(level);
  }

  /** The electrical level of a pin (what a voltmeter would show). */
  level(pin: number): boolean {
    return this.levels[pin];
  }

  /** Writes to one pin so far. */
  writesTo(pin: number): FakeWrite[] {
    return this.writes.filter((w) => w.pin === pin);
  }

  claimed(pin: number): boolean {
    return this.claims.has(pin);
  }

  close(): void {
    for (const close of [...this.pins.values()]) close();
    this.claims.close();
  }
}
