/**
 * S-registers of a Hayes-compatible 2400 bit/s modem (the Smartmodem 2400 set), with their factory values.
 * S14, S21, S22, S23 and S27 are bit-mapped views of the command options: read-only here, kept current by the
 * interpreter, as on the Hayes modem where writing them directly was possible but undocumented.
 */
export const S_DEFAULTS: Readonly<Record<number, number>> = {
  0: 0, // rings before auto-answer (0 = off)
  1: 0, // ring count (read-only)
  2: 43, // escape character '+' (>127 disables the escape)
  3: 13, // carriage return
  4: 10, // line feed
  5: 8, // backspace
  6: 2, // wait for dial tone, s
  7: 50, // wait for carrier, s
  8: 2, // comma pause, s
  9: 6, // carrier detect response, 1/10 s
  10: 14, // carrier loss before hang-up, 1/10 s
  11: 95, // DTMF duration and spacing, ms
  12: 50, // escape guard time, 1/50 s
  14: 170, // bit-mapped: E, Q, V, originate/answer (read-only)
  16: 0, // test modes
  18: 0, // test timer, s
  21: 48, // bit-mapped: &J, &R, &C, &D, &S (read-only)
  22: 118, // bit-mapped: L, M, X, &P (read-only)
  23: 7, // bit-mapped: DTE speed, parity, &G (read-only)
  25: 5, // DTR detect time, 1/100 s
  26: 1, // RTS to CTS delay, 1/100 s
  27: 0, // bit-mapped: &M, &Q, &X, B (read-only)
  30: 0, // inactivity timer, 10 s units (0 = off)
  36: 7, // negotiation failure treatment (accepted, no error correction)
  37: 0, // desired line speed (0 = highest offered)
  46: 138, // 138: V.42bis compression with error control, 136: none (%C)
};

/** Registers a program may not set. */
export const S_READ_ONLY: ReadonlySet<number> = new Set([1, 14, 21, 22, 23, 27]);

/** Registers stored in a profile by &W. */
export const S_STORED: readonly number[] = Object.keys(S_DEFAULTS)
  .map(Number)
  .filter((n) => !S_READ_ONLY.has(n));

export class SRegisters {
  private readonly values = new Uint8Array(256);

  constructor() {
    this.reset();
  }

  reset(): void {
    this.values.fill(0);
    for (const [k, v] of Object.entries(S_DEFAULTS)) this.values[Number(k)] = v;
  }

  /** Does this modem have register n? */
  has(n: number): boolean {
    return Object.hasOwn(S_DEFAULTS, n);
  }

  get(n: number): number {
    return this.values[n];
  }

  /** False when the register does not exist, is read-only, or the value is out of range. */
  set(n: number, v: number): boolean {
    if (!Number.isInteger(n) || !this.has(n) || S_READ_ONLY.has(n)) return false;
    if (!Number.isInteger(v) || v < 0 || v > 255) return false;
    this.values[n] = v;
    return true;
  }

  /** Internal: the modem's own updates (S1, the bit-mapped views). */
  setInternal(n: number, v: number): void {
    this.values[n] = v & 0xff;
  }

  /** The stored registers, for a profile. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of S_STORED) out[n] = this.values[n];
    return out;
  }

  restore(regs: Readonly<Record<string, number>>): void {
    for (const n of S_STORED) if (Object.hasOwn(regs, n)) this.values[n] = regs[n] & 0xff;
  }
}
