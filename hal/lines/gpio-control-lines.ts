import type { GpioChip, GpioInputPin, GpioOutputPin } from '../gpio/gpio.ts';
import type { ControlLines, DceCircuit, DteCircuit } from '../serial/control-lines.ts';

/** BCM pins of the RS-232 control lines; a circuit left out has no pin (see GpioControlLines). */
export type ControlPinMap = Partial<Record<DceCircuit | DteCircuit, number>>;

export interface GpioControlLinesOptions {
  pins: ControlPinMap;
  /**
   * The transceiver inverts (a MAX3238 drives +5.5 V, RS-232 "on", for a 0 V input, and its receivers give 0 V
   * for "on"): with the default true, on = 0 V at the Pi's pin.
   */
  activeLow?: boolean;
  /** DTR and RTS edges closer than this are contact bounce (a switch box, a loose DB-25). */
  debounceMs?: number;
}

const DCE: readonly DceCircuit[] = ['DCD', 'DSR', 'RI', 'CTS'];
const DTE: readonly DteCircuit[] = ['DTR', 'RTS'];

/**
 * The modem's control lines on GPIO behind an RS-232 transceiver: DCD, DSR, RI (and CTS when the UART does not
 * drive it) are outputs; DTR (and RTS) inputs, watched by edge interrupts with debounce. A circuit without a pin
 * keeps its state here only: an output the UART drives itself (CTS with hardware flow control), or an input that is
 * not wired, which reads "on" (as the cable of a DTE that does not drive DTR would need).
 */
export class GpioControlLines implements ControlLines {
  private readonly outputs = new Map<DceCircuit, GpioOutputPin>();
  private readonly inputs = new Map<DteCircuit, GpioInputPin>();
  private readonly state: Record<DceCircuit | DteCircuit, boolean> = { DCD: false, DSR: false, RI: false, CTS: true, DTR: true, RTS: true };
  private readonly listeners: ((circuit: DteCircuit, on: boolean) => void)[] = [];

  constructor(chip: GpioChip, opts: GpioControlLinesOptions) {
    const activeLow = opts.activeLow ?? true;
    try {
      for (const c of DCE) {
        const pin = opts.pins[c];
        if (pin !== undefined) this.outputs.set(c, chip.output(pin, { activeLow, initial: this.state[c] }));
      }
      for (const c of DTE) {
        const pin = opts.pins[c];
        if (pin === undefined) continue;
        const input = chip.input(pin, { activeLow, debounceMs: opts.debounceMs ?? 10 });
        this.inputs.set(c, input);
        this.state[c] = input.read();
        input.onChange((on) => this.dteChanged(c, on));
      }
    } catch (err) {
      this.close(); // give back what was claimed before the failing pin
      throw err;
    }
  }

  set(circuit: DceCircuit, on: boolean): void {
    if (!DCE.includes(circuit)) throw new TypeError(`the modem cannot drive ${String(circuit)}`);
    if (this.state[circuit] === on) return; // only write on change: the modem calls this every frame
    this.state[circuit] = on;
    this.outputs.get(circuit)?.write(on);
  }

  get(circuit: DceCircuit | DteCircuit): boolean {
    if (!DCE.includes(circuit as DceCircuit) && !DTE.includes(circuit as DteCircuit)) throw new TypeError(`no such circuit ${String(circuit)}`);
    return this.state[circuit];
  }

  onChange(listener: (circuit: DteCircuit, on: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** A UART cannot tell a break from GPIO; breaks arrive through the serial port where the backend supports it. */
  onBreak(): void {}

  close(): void {
    for (const p of this.outputs.values()) p.close();
    for (const p of this.inputs.values()) p.close();
    this.outputs.clear();
    this.inputs.clear();
  }

  private dteChanged(circuit: DteCircuit, on: boolean): void {
    if (this.state[circuit] === on) return;
    this.state[circuit] = on;
    for (const l of this.listeners) l(circuit, on);
  }
}
