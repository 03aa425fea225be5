import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { DialtoneConfig } from '../config/schema.ts';

/**
 * The audio clock in simulation: one tick per 20 ms frame. `realtime` paces frames to the wall clock (a person is
 * typing); `fast` runs them as fast as the CPU allows, yielding to the event loop every few frames so the DTE stays
 * served. A real sound card replaces this with its own period interrupts.
 */
export class FrameClock {
  private next = 0;
  private count = 0;
  /** Simulated line time in ms since start. */
  lineMs = 0;

  constructor(readonly mode: DialtoneConfig['clock']) {}

  async tick(): Promise<void> {
    this.lineMs += 20;
    if (this.mode === 'fast') {
      if (++this.count % 8 === 0) await yieldToLoop();
      return;
    }
    const now = performance.now();
    if (this.next === 0 || now - this.next > 200) this.next = now; // after a stall, do not burst to catch up
    this.next += 20;
    const wait = this.next - now;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else await yieldToLoop();
  }
}
