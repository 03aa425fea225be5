/**
 * The V.42 detection phase (V.42 §8.2 / Annex-free LAPM only): async characters of 7 data bits and parity sent over
 * the connected modem before the switch to synchronous HDLC.
 *   ODP (originator detection pattern): DC1 with even parity, 8–16 ones, DC1 with odd parity, 8–16 ones, repeated.
 *   ADP (answerer detection pattern, LAPM): "E", 8–16 ones, "C", 8–16 ones, repeated.
 * Receiving, only the 7 data bits are compared (implementations differ in the eighth).
 */

/** Idle ones after each character (the stop bit and 9 of mark: inside 8–16). */
const FILL_ONES = 10;
const DC1 = 0x11;
const E = 0x45;
const C = 0x43;

function parity7(c: number): number {
  let p = 0;
  for (let k = 0; k < 7; k++) p ^= (c >> k) & 1;
  return p;
}

/** One character as line bits: start 0, 7 data bits LSB first, the parity bit, then the ones that follow it. */
function charBits(c: number, parity: number): number[] {
  const bits = [0];
  for (let k = 0; k < 7; k++) bits.push((c >> k) & 1);
  bits.push(parity);
  for (let k = 0; k < FILL_ONES; k++) bits.push(1);
  return bits;
}

/** One ODP sequence (two characters with their fill) as line bits. */
export const ODP_BITS: readonly number[] = [...charBits(DC1, parity7(DC1)), ...charBits(DC1, parity7(DC1) ^ 1)];
/** One ADP sequence as line bits: "E" and "C" as 8-bit characters (the eighth bit 0), which spandsp's V.42 requires. */
export const ADP_BITS: readonly number[] = [...charBits(E, 0), ...charBits(C, 0)];

/** Sends a pattern over and over, always a whole sequence (`stop` takes effect at the end of one). */
export class PatternSender {
  private i = 0;
  sequences = 0;

  constructor(private readonly bits: readonly number[]) {}

  nextBit(): number {
    const b = this.bits[this.i];
    if (++this.i === this.bits.length) {
      this.i = 0;
      this.sequences++;
    }
    return b;
  }

  /** At a sequence boundary (safe to switch to something else). */
  get atBoundary(): boolean {
    return this.i === 0;
  }
}

/**
 * Recognises ODP or ADP in received bits: async characters found by their start bits, 7 data bits compared
 * (parity not checked: it differs between implementations of ADP), and `sequences` counts complete pairs.
 */
export class PatternDetector {
  sequences = 0;
  private shift = 0;
  private bits = -1; // -1: waiting for a start bit
  private prev = -1; // previous character (7 bits), -1 none

  constructor(
    private readonly first: number,
    private readonly second: number,
  ) {}

  static odp(): PatternDetector {
    return new PatternDetector(DC1, DC1);
  }

  static adp(): PatternDetector {
    return new PatternDetector(E, C);
  }

  putBit(bit: number): void {
    if (this.bits < 0) {
      if (bit === 0) {
        this.bits = 0;
        this.shift = 0;
      }
      return;
    }
    if (this.bits < 8) this.shift |= bit << this.bits;
    if (++this.bits < 9) return; // 7 data, parity; the ninth is the stop bit
    this.bits = -1;
    if (bit !== 1) {
      this.prev = -1; // framing error
      return;
    }
    const c = this.shift & 0x7f;
    if (this.prev === this.first && c === this.second) {
      this.sequences++;
      this.prev = -1;
      return;
    }
    if (c !== this.first) this.sequences = 0;
    this.prev = c;
  }
}
