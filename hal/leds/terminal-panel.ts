import type { LedPanel, LedState } from './led-panel.ts';
import { LED_NAMES } from './led-panel.ts';

/** The simulated front panel: one status line on the daemon's terminal, redrawn when a LED changes. */
export class TerminalLedPanel implements LedPanel {
  private last = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  show(state: Readonly<LedState>): void {
    const line = LED_NAMES.map((n) => (state[n] ? `[${n}]` : ` ${n.toLowerCase()} `)).join(' ');
    if (line === this.last) return;
    this.last = line;
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${line}`);
    else this.out.write(`leds ${line}\n`);
  }

  close(): void {
    if (this.out.isTTY && this.last) this.out.write('\n');
  }
}
