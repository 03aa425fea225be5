/**
 * GPIO lines as Dialtone uses them: the front-panel LEDs and the RS-232 control lines behind a level shifter, the
 * hook relay and ring detector of a line interface. Pins are BCM numbers. Real backends (the kernel's character
 * device, or sysfs through onoff) and the fake chip used in tests implement the same interface.
 */
export type GpioBias = 'pull-up' | 'pull-down' | 'none';

export interface GpioOutputOptions {
  /** The pin's electrical level is inverted (a transistor driver, an active-low LED). */
  activeLow?: boolean;
  initial?: boolean;
}

export interface GpioInputOptions {
  activeLow?: boolean;
  bias?: GpioBias;
  /** Edges closer together than this are one edge (contact bounce, a ringing signal). */
  debounceMs?: number;
}

export interface GpioOutputPin {
  readonly pin: number;
  write(value: boolean): void;
  close(): void;
}

export interface GpioInputPin {
  readonly pin: number;
  read(): boolean;
  /** Called once per (debounced) change with the new logical value. */
  onChange(listener: (value: boolean) => void): void;
  close(): void;
}

export interface GpioChip {
  /** Human-readable name (a /dev/gpiochipN path, "sysfs", "fake"). */
  readonly name: string;
  /** Throws GpioError for a pin out of range, a pin already claimed, or a device that cannot be opened. */
  output(pin: number, opts?: GpioOutputOptions): GpioOutputPin;
  input(pin: number, opts?: GpioInputOptions): GpioInputPin;
  close(): void;
}

export class GpioError extends Error {
  constructor(
    message: string,
    readonly pin: number | null = null,
  ) {
    super(message);
    this.name = 'GpioError';
  }
}
