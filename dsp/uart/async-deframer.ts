import type { BitDecider, ByteSink, CharFormat } from './bit-source.ts';
import { FORMAT_8N1 } from './bit-source.ts';

const PHASE_GAIN = 2; // the clock phase moves by 1/4 of each transition's error
const FREQ_GAIN = 6; // the bit period by 1/64 of it: a second-order loop that learns the far UART's rate
const enum State {
  Hunt, // waiting for mark then a mark-to-space transition
  Armed, // mark seen: the next space starts a character
  InChar,
}

/**
 * Async deframer over per-sample hard decisions (1 = mark). A demodulator whose decision integrates over one bit
 * flips about half a bit after the real edge, so the start bit's best sampling point is half a bit after the flip,
 * and each further bit one bit period later. Bit timing is kept in Q16 samples.
 *
 * Given a BitDecider (the FSK demodulator's sequence detector), each bit of a character is decided by it one
 * sampling point late, from the signal around the bit rather than the one decision at its sampling point; the
 * clock, the start-bit search and the re-phasing still run on the per-sample decisions.
 */
export class AsyncDeframer {
  private state = State.Hunt;
  private countdown = 0; // Q16 samples until the next sampling point
  private bitIndex = 0;
  private prev = 1;
  private trained = false; // the clock has been phased on a start bit since the last reset
  private word = 0;
  private readonly spbQ16: number;
  private spb: number; // Q16 samples per bit as tracked: the far transmitter's rate may be a few per cent off
  private readonly spbMin: number;
  private readonly spbMax: number;
  private bitsPerChar = 10;
  private zeroChars = 0;
  private breakSpace = 0; // Q16 samples of space seen in Hunt after an all-space character
  private inBreak = false;
  private pendingBit = -1; // with a decider: the index in the character of the bit to settle at the next point
  framingErrors = 0;
  breaks = 0;

  constructor(
    samplesPerBit: number,
    private format: CharFormat = FORMAT_8N1,
  ) {
    this.spbQ16 = Math.round(samplesPerBit * 65536);
    this.spb = this.spbQ16;
    // ±8 %: an FSK modem passes the DTE's own timing through, and UARTs of the time were that loose.
    this.spbMin = Math.round(this.spbQ16 * 0.92);
    this.spbMax = Math.round(this.spbQ16 * 1.08);
    this.setFormat(format);
  }

  setFormat(format: CharFormat): void {
    this.format = format;
    this.bitsPerChar = 1 + format.dataBits + (format.parity === 'none' ? 0 : 1) + 1;
  }

  /**
   * `decisions[0..n)`: one hard decision per sample. With `decider`, `firstSample` is decisions[0]'s index in the
   * decider's sample count.
   */
  process(decisions: Uint8Array, n: number, sink: ByteSink, decider?: BitDecider, firstSample = 0): void {
    // Most samples neither flip the decision nor reach a sampling point: the previous decision and the countdown
    // live in locals, and the object is written only around a flip (steer) and read at a sampling point.
    let prev = this.prev;
    let countdown = this.countdown;
    for (let i = 0; i < n; i++) {
      const d = decisions[i];
      let spb = 0; // this sample's bit period, as it was before a flip steered it (0: not read yet)
      if (d !== prev) {
        prev = d;
        spb = this.spb;
        this.countdown = countdown;
        this.steer(d, spb, spb >> 1);
        countdown = this.countdown;
      }
      countdown -= 65536;
      if (countdown > 0) continue;
      if (spb === 0) spb = this.spb;
      const frac = countdown;
      countdown += spb;
      this.point(d, frac, spb, sink, decider, (firstSample + i + 1) | 0);
    }
    this.prev = prev;
    this.countdown = countdown;
  }

  /** A sampling point: one bit period has passed, the decision now covers exactly one bit. */
  private point(d: number, frac: number, spb: number, sink: ByteSink, decider: BitDecider | undefined, endSample: number): void {
    if (decider && this.pendingBit >= 0) this.settle(decider.decideBit(endSample, frac, spb), sink);
    switch (this.state) {
      case State.Hunt:
        if (d === 1) {
          this.state = State.Armed;
          this.breakSpace = 0;
        } else if (this.zeroChars > 0 && !this.inBreak) {
          // Space continuing after an all-space character: a break once it lasts two character times.
          this.breakSpace += spb;
          if (this.breakSpace >= spb * this.bitsPerChar) {
            this.inBreak = true;
            this.breaks++;
            sink.putBreak?.();
          }
        }
        break;
      case State.Armed:
        if (d === 0) {
          this.state = State.InChar;
          this.bitIndex = 1; // this sample was the start bit
          this.word = 0;
          if (decider) this.pendingBit = 0; // confirmed (or not) at the next point
        }
        break;
      case State.InChar:
        if (!decider) {
          this.sample(d, sink);
          break;
        }
        this.pendingBit = this.bitIndex++;
        // The stop bit is settled at the next point; meanwhile a start bit may already follow it.
        if (this.pendingBit === this.bitsPerChar - 1) this.state = State.Armed;
        break;
    }
  }

  /**
   * A decision flip: transitions fall midway between sampling points. The clock runs on through idle and
   * characters alike (transmitters clock their bits continuously), pulled by 1/8 of the error as a DPLL; a start
   * bit far from the clock's phase (a transmitter keyed asynchronously, or the first character) re-phases it.
   */
  private steer(d: number, spb: number, half: number): void {
    const err = this.countdown - half;
    if (this.state === State.Armed && d === 0) {
      // A start bit: close to the running clock, split the difference; far from it, take the edge as it is.
      if (!this.trained || err > spb >> 2 || err < -(spb >> 2)) this.countdown = half;
      else this.countdown -= err >> 1;
      this.trained = true;
      return;
    }
    // Inside a character pull harder: a transmitter keyed by a UART need not run exactly at the nominal rate.
    // A second-order loop: the phase moves by a fraction of the error, the rate by a smaller one.
    this.countdown -= err >> PHASE_GAIN;
    const spb2 = this.spb - (err >> FREQ_GAIN);
    this.spb = spb2 < this.spbMin ? this.spbMin : spb2 > this.spbMax ? this.spbMax : spb2;
  }

  /** A bit of the character decided one point late: the start bit confirmed, a data bit, or the stop bit. */
  private settle(bit: number, sink: ByteSink): void {
    const idx = this.pendingBit;
    this.pendingBit = -1;
    if (idx === 0) {
      if (bit === 1) this.state = State.Armed; // not a start bit after all: noise
      return;
    }
    if (idx < this.bitsPerChar - 1) {
      this.word |= bit << (idx - 1);
      return;
    }
    this.finish(bit, sink);
  }

  private sample(bit: number, sink: ByteSink): void {
    const idx = this.bitIndex++;
    if (idx < this.bitsPerChar - 1) {
      this.word |= bit << (idx - 1);
      return;
    }
    this.finish(bit, sink); // the stop bit
  }

  private finish(stop: number, sink: ByteSink): void {
    const { dataBits, parity } = this.format;
    const data = this.word & ((1 << dataBits) - 1);
    if (stop === 1) {
      this.zeroChars = 0;
      this.inBreak = false;
      if (parity !== 'none') {
        let ones = 0;
        for (let v = this.word; v; v >>= 1) ones += v & 1;
        const ok = parity === 'even' ? (ones & 1) === 0 : (ones & 1) === 1;
        if (!ok) sink.parityError?.(data);
      }
      sink.putByte(data);
      this.state = State.Armed;
      return;
    }
    // Stop bit at space: an all-space character is the start of a break; anything else a framing error.
    if (this.word === 0) {
      this.zeroChars++;
      this.breakSpace = 0;
    } else {
      this.zeroChars = 0;
      this.framingErrors++;
      sink.framingError?.();
    }
    this.state = State.Hunt; // wait for mark before the next start bit
  }

  /** Carrier lost: forget the character in progress and the far end's clock. */
  reset(): void {
    this.trained = false;
    this.spb = this.spbQ16;
    this.state = State.Hunt;
    this.zeroChars = 0;
    this.inBreak = false;
    this.pendingBit = -1;
  }
}
