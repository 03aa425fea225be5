import type { LedPanel, LedState } from './led-panel.ts';
import { LED_NAMES } from './led-panel.ts';

/**
 * The simulated front panel: one status line on the daemon's terminal, redrawn when a LED changes. When the output
 * is not a terminal (a log file, the journal) the lamps are not written at each change (RD and SD alone would fill
 * the log with every character): one log line per call state instead, with the lamps as they are then.
 */
export class TerminalLedPanel implements LedPanel {
  private last = '';

  constructor(private readonly out: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr) {}

  show(state: Readonly<LedState>): void {
    const line = LED_NAMES.map((n) => (state[n] ? `[${n}]` : ` ${n.toLowerCase()} `)).join(' ');
    if (line === this.last) return;
    this.last = line;
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${line}`);
  }

  callState(state: string): void {
    if (!this.out.isTTY) this.out.write(`${new Date().toISOString()} leds ${this.last.replace(/ +/g, ' ').trim()} (${state})\n`);
  }

  close(): void {
    if (this.out.isTTY && this.last) this.out.write('\n');
  }
}
