import type { GpioChip, GpioOutputPin } from '../gpio/gpio.ts';
import type { LedName, LedPanel, LedState } from './led-panel.ts';
import { LED_NAMES } from './led-panel.ts';

export interface GpioLedPanelOptions {
  pins: Partial<Record<LedName, number>>;
  /** LEDs wired from 3.3 V through the resistor to the pin light at 0 V. */
  activeLow?: boolean;
  /** RD and SD stay lit at least this long per burst of traffic, and dark as long between bursts: visible blinks. */
  blinkMs?: number;
  now?: () => number;
}

/**
 * The front panel on GPIO. The modem calls show() every 20 ms frame; a pin is written only when its LED changes,
 * and RD/SD, which follow every byte, are held for blinkMs so that a stream of bytes is a steady blink of at most
 * one write per blinkMs each, whatever the data rate.
 */
export class GpioLedPanel implements LedPanel {
  private readonly pins = new Map<LedName, GpioOutputPin>();
  private readonly lit: Record<string, boolean> = {};
  private readonly since: Record<string, number> = {};
  private readonly blinkMs: number;
  private readonly now: () => number;
  /** Pin writes so far (for the benchmark and tests). */
  writes = 0;
  private recheck: NodeJS.Timeout | null = null;
  private latest: Readonly<LedState> | null = null; // the modem updates one object in place: this stays current

  constructor(chip: GpioChip, opts: GpioLedPanelOptions) {
    this.blinkMs = opts.blinkMs ?? 50;
    this.now = opts.now ?? (() => performance.now());
    try {
      for (const name of LED_NAMES) {
        const pin = opts.pins[name];
        if (pin === undefined) continue;
        this.pins.set(name, chip.output(pin, { activeLow: opts.activeLow ?? false, initial: false }));
        this.lit[name] = false;
        this.since[name] = -Infinity;
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  show(state: Readonly<LedState>): void {
    this.latest = state;
    const t = this.now();
    for (const [name, pin] of this.pins) {
      const want = state[name];
      if (want === this.lit[name]) continue;
      // Traffic LEDs change no faster than blinkMs: a byte every frame reads as a blink, not a blur of writes.
      if ((name === 'RD' || name === 'SD') && t - this.since[name] < this.blinkMs) {
        this.later(this.since[name] + this.blinkMs - t);
        continue;
      }
      this.lit[name] = want;
      this.since[name] = t;
      pin.write(want);
      this.writes++;
    }
  }

  /** A deferred change is applied when its hold ends, even if the modem shows nothing new by then. */
  private later(ms: number): void {
    if (this.recheck) return;
    this.recheck = setTimeout(() => {
      this.recheck = null;
      if (this.latest) this.show(this.latest);
    }, ms + 1);
    this.recheck.unref();
  }

  close(): void {
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = null;
    for (const pin of this.pins.values()) {
      pin.write(false);
      pin.close();
    }
    this.pins.clear();
  }
}
