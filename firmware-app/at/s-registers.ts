/** S-registers of a Hayes-compatible 2400 bit/s modem, with their factory values. */
export const S_DEFAULTS: Readonly<Record<number, number>> = {
  0: 0, // rings before auto-answer (0 = off)
  1: 0, // ring count
  2: 43, // escape character '+'
  3: 13, // carriage return
  4: 10, // line feed
  5: 8, // backspace
  6: 2, // wait for dial tone, s
  7: 50, // wait for carrier, s
  8: 2, // comma pause, s
  9: 6, // carrier detect response, 1/10 s
  10: 14, // carrier loss before hang-up, 1/10 s
  11: 95, // DTMF duration, ms
  12: 50, // escape guard time, 1/50 s
  25: 5, // DTR detect, 1/100 s
  30: 0, // inactivity timer, 10 s units (0 = off)
};

export class SRegisters {
  private readonly values = new Uint8Array(256);

  constructor() {
    this.reset();
  }

  reset(): void {
    this.values.fill(0);
    for (const [k, v] of Object.entries(S_DEFAULTS)) this.values[Number(k)] = v;
  }

  get(n: number): number {
    return this.values[n];
  }

  /** False when the register or value is out of range. */
  set(n: number, v: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n > 255 || !Number.isInteger(v) || v < 0 || v > 255) return false;
    if (n === 1) return false; // the ring counter is read-only
    this.values[n] = v;
    return true;
  }

  /** Internal: the modem's own updates (S1). */
  setInternal(n: number, v: number): void {
    this.values[n] = v & 0xff;
  }
}
