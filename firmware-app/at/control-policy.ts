import type { ControlLines } from '../../hal/serial/control-lines.ts';
import type { OptionName } from './profiles.ts';

/** What the modem's state means for the control lines. */
export interface LineConditions {
  connected: boolean; // a call in data mode (or online command mode) with the far carrier up
  dataMode: boolean; // off hook in handshake, data mode or online command mode
  ringing: boolean; // inside the "on" part of a ring cadence
}

/** What the modem does when DTR drops for longer than S25 (&D1 command mode, &D2 hang up, &D3 reset). */
export type DtrAction = 1 | 2 | 3;

/**
 * The control-line policy of V.250 §6.2.8–6.2.9 and the Hayes &S: DCD per &C, DSR per &S, RI with the ring
 * cadence, and DTR watched per &D with the S25 detect time. CTS belongs to the flow control (DteFlow).
 */
export class ControlPolicy {
  private dtrTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly lines: ControlLines,
    private readonly opt: Readonly<Record<OptionName, number>>,
    private readonly s25: () => number,
    private readonly onDtrOff: (action: DtrAction) => void,
  ) {
    lines.onChange((circuit, on) => {
      if (circuit === 'DTR') this.dtrChanged(on);
    });
  }

  update(c: LineConditions): void {
    this.lines.set('DCD', this.opt['&C'] === 0 || c.connected);
    this.lines.set('DSR', this.opt['&S'] === 0 || c.dataMode);
    this.lines.set('RI', c.ringing);
    if (this.opt['&K'] !== 3) this.lines.set('CTS', true);
  }

  /** Auto-answer is disabled while DTR is off with &D2 or &D3 (V.250 §6.2.9). */
  get mayAnswer(): boolean {
    return this.opt['&D'] < 2 || this.lines.get('DTR');
  }

  close(): void {
    if (this.dtrTimer) clearTimeout(this.dtrTimer);
    this.dtrTimer = null;
  }

  private dtrChanged(on: boolean): void {
    this.close();
    if (on || this.opt['&D'] === 0) return;
    // S25 is in hundredths of a second: a DTR dip shorter than that is ignored.
    this.dtrTimer = setTimeout(() => {
      this.dtrTimer = null;
      const action = this.opt['&D'];
      if (!this.lines.get('DTR') && action !== 0) this.onDtrOff(action as DtrAction);
    }, this.s25() * 10);
  }
}
