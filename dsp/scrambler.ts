/**
 * The V.22 / V.22bis self-synchronising scrambler, generating polynomial 1 + x^-14 + x^-17 (ITU-T V.22 §5,
 * V.22bis §2.4): Ds = Di ⊕ Ds·x^-14 ⊕ Ds·x^-17 at the transmitter, Do = Ds ⊕ Ds·x^-14 ⊕ Ds·x^-17 at the receiver.
 *
 * V.22 §5 also asks for an adverse-state guard: when 64 consecutive ones have appeared at the scrambler output, the
 * next input bit is inverted; the descrambler counts 64 consecutive ones at its input and inverts its next output,
 * so the data come through unchanged. Without it, a scrambler holding ones and fed ones (an idle line) would send
 * ones for ever, which carries no timing and trains no equaliser.
 *
 * Register bit k holds the (k + 1)-th most recent line bit, so the taps x^-14 and x^-17 are bits 13 and 16.
 */

/** V.22 §5: consecutive ones at the scrambler output that make it invert the next input bit. */
export const V22_ONES_LIMIT = 64;

export class V22Scrambler {
  reg = 0;
  private ones = 0;

  /** Scramble one data bit (0 or 1); returns the line bit. */
  scramble(bit: number): number {
    if (this.ones >= V22_ONES_LIMIT) {
      bit ^= 1;
      this.ones = 0;
    }
    const out = (bit ^ (this.reg >>> 13) ^ (this.reg >>> 16)) & 1;
    this.reg = ((this.reg << 1) | out) & 0x1ffff;
    // out ? ones + 1 : 0, without a branch (scrambled bits are random: a branch would be mispredicted half the time).
    this.ones = (this.ones + 1) & -out;
    return out;
  }

  reset(): void {
    this.reg = 0;
    this.ones = 0;
  }
}

export class V22Descrambler {
  reg = 0;
  private ones = 0;

  /** Descramble one line bit; returns the data bit. Self-synchronising: correct 17 bits after any upset. */
  descramble(bit: number): number {
    bit &= 1;
    let out = (bit ^ (this.reg >>> 13) ^ (this.reg >>> 16)) & 1;
    this.reg = ((this.reg << 1) | bit) & 0x1ffff;
    if (this.ones >= V22_ONES_LIMIT) {
      out ^= 1;
      this.ones = 0;
    }
    this.ones = (this.ones + 1) & -bit; // bit ? ones + 1 : 0, without a branch
    return out;
  }

  reset(): void {
    this.reg = 0;
    this.ones = 0;
  }
}
