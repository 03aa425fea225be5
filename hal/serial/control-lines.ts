/** RS-232 circuits the modem (DCE) drives towards the DTE. V.24 numbers: 109 DCD, 107 DSR, 125 RI, 106 CTS. */
export type DceCircuit = 'DCD' | 'DSR' | 'RI' | 'CTS';
/** Circuits the DTE drives: 108/2 DTR, 105 RTS. */
export type DteCircuit = 'DTR' | 'RTS';

const DCE: readonly string[] = ['DCD', 'DSR', 'RI', 'CTS'];
const DTE: readonly string[] = ['DTR', 'RTS'];

/** The control lines of a DTE port, as the modem sees them. GPIO on the Pi; simulated on a pseudo-terminal. */
export interface ControlLines {
  /** Drive one of the modem's outputs. Throws on a circuit the modem does not drive. */
  set(circuit: DceCircuit, on: boolean): void;
  /** Current state of any circuit. */
  get(circuit: DceCircuit | DteCircuit): boolean;
  /** The DTE changed DTR or RTS. */
  onChange(listener: (circuit: DteCircuit, on: boolean) => void): void;
  /** The DTE sent a break (line held at space) lasting `ms`. */
  onBreak(listener: (ms: number) => void): void;
}

export interface LineEvent {
  circuit: DceCircuit | DteCircuit;
  on: boolean;
  at: number; // ms, from `now()`
}

const HISTORY = 1024;

/**
 * The simulated twin: a pseudo-terminal has no modem lines, so this object holds them. The modem drives DCD, DSR,
 * RI and CTS; tests (or the daemon's control socket) drive DTR and RTS and send breaks. Every change is recorded.
 * It refuses the same calls a GPIO backend would: a modem cannot drive DTR, a DTE cannot drive DCD.
 */
export class SimulatedControlLines implements ControlLines {
  readonly history: LineEvent[] = [];
  /** The time stamp of each change (a test may use the simulated line clock instead of the wall clock). */
  now: () => number = () => performance.now();
  private readonly state: Record<DceCircuit | DteCircuit, boolean> = { DCD: false, DSR: false, RI: false, CTS: true, DTR: true, RTS: true };
  private readonly changeListeners: ((circuit: DteCircuit, on: boolean) => void)[] = [];
  private readonly breakListeners: ((ms: number) => void)[] = [];

  set(circuit: DceCircuit, on: boolean): void {
    if (!DCE.includes(circuit)) throw new TypeError(`the modem cannot drive ${String(circuit)}`);
    this.record(circuit, on);
  }

  get(circuit: DceCircuit | DteCircuit): boolean {
    if (!DCE.includes(circuit) && !DTE.includes(circuit)) throw new TypeError(`no such circuit ${String(circuit)}`);
    return this.state[circuit];
  }

  onChange(listener: (circuit: DteCircuit, on: boolean) => void): void {
    this.changeListeners.push(listener);
  }

  onBreak(listener: (ms: number) => void): void {
    this.breakListeners.push(listener);
  }

  /** The DTE side: raise or drop DTR or RTS. */
  setDte(circuit: DteCircuit, on: boolean): void {
    if (!DTE.includes(circuit)) throw new TypeError(`the DTE cannot drive ${String(circuit)}`);
    if (this.record(circuit, on)) for (const l of this.changeListeners) l(circuit, on);
  }

  /** The DTE side: a break of `ms` milliseconds. */
  sendBreak(ms: number): void {
    if (!(ms > 0)) throw new RangeError('a break lasts a positive time');
    for (const l of this.breakListeners) l(ms);
  }

  /** How many times `circuit` went on (for RI: the rings the DTE saw). */
  rises(circuit: DceCircuit | DteCircuit): number {
    return this.history.filter((e) => e.circuit === circuit && e.on).length;
  }

  private record(circuit: DceCircuit | DteCircuit, on: boolean): boolean {
    if (this.state[circuit] === on) return false;
    this.state[circuit] = on;
    this.history.push({ circuit, on, at: this.now() });
    if (this.history.length > HISTORY) this.history.shift();
    return true;
  }
}
