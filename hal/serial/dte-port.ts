import type { ControlLines } from './control-lines.ts';

/** The DTE side of the modem: where the vintage computer's RS-232 bytes come and go. */
export interface DtePort {
  /** Human-readable name of the port (a device path, a PTY path, a TCP address). */
  readonly name: string;
  onData(listener: (data: Uint8Array) => void): void;
  /** Queue bytes to the DTE; returns false when the port's buffer is full (wait for 'drain'). */
  write(data: Uint8Array | string): boolean;
  onDrain(listener: () => void): void;
  /** Stop delivering data (flow control towards the DTE) / resume. */
  pause(): void;
  resume(): void;
  /** RS-232 control lines (DCD, DSR, RI, CTS out; DTR, RTS in). */
  readonly lines: ControlLines;
  close(): void;
  /** The DTE speed in bit/s, where the port has one (a UART); absent on a pseudo-terminal or a socket. */
  readonly speed?: number;
  /** Change the DTE speed after what is queued has gone out at the old speed (AT+IPR). */
  setSpeed?(bps: number): Promise<void>;
}
