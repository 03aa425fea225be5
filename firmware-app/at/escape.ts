/**
 * The Hayes escape: guard time, three escape characters (S2) each within the guard time, guard time again.
 * Times come from the caller (wall clock: the DTE is a person or a program in real time).
 */
export class GuardTimeEscape {
  private lastByteAt = -Infinity;
  private count = 0;

  constructor(
    private readonly escapeChar: () => number,
    private readonly guardMs: () => number,
  ) {}

  /** Feed DTE bytes in data mode. */
  feed(data: Uint8Array, now: number): void {
    const esc = this.escapeChar();
    const guard = this.guardMs();
    for (const b of data) {
      if (esc > 127) {
        this.count = 0;
      } else if (b === esc && (this.count > 0 ? now - this.lastByteAt < guard : now - this.lastByteAt >= guard)) {
        this.count = this.count < 3 ? this.count + 1 : 0;
      } else {
        this.count = 0;
      }
      this.lastByteAt = now;
    }
  }

  /** When this returns a time, the escape completes if no byte arrives before it. */
  get pendingUntil(): number | null {
    return this.count === 3 ? this.lastByteAt + this.guardMs() : null;
  }

  /** Check at `now`: true (once) when the three escape characters were followed by the guard time. */
  poll(now: number): boolean {
    const until = this.pendingUntil;
    if (until !== null && now >= until) {
      this.count = 0;
      return true;
    }
    return false;
  }

  reset(): void {
    this.count = 0;
    this.lastByteAt = -Infinity;
  }
}
