import type { ByteSink, CharFormat } from './bit-source.ts';
import { FORMAT_8N1 } from './bit-source.ts';

const enum State {
  Hunt, // waiting for mark then a mark-to-space transition
  Armed, // mark seen: the next space starts a character
  InChar,
}

/**
 * Async deframer over per-sample hard decisions (1 = mark). A demodulator whose decision integrates over one bit
 * flips about half a bit after the real edge, so the start bit's best sampling point is half a bit after the flip,
 * and each further bit one bit period later. Bit timing is kept in Q16 samples.
 */
export class AsyncDeframer {
  private state = State.Hunt;
  private countdown = 0; // Q16 samples until the next sampling point
  private bitIndex = 0;
  private prev = 1;
  private word = 0;
  private readonly spbQ16: number;
  private bitsPerChar = 10;
  private zeroChars = 0;
  private breakSpace = 0; // Q16 samples of space seen in Hunt after an all-space character
  private inBreak = false;
  framingErrors = 0;
  breaks = 0;

  constructor(
    samplesPerBit: number,
    private format: CharFormat = FORMAT_8N1,
  ) {
    this.spbQ16 = Math.round(samplesPerBit * 65536);
    this.setFormat(format);
  }

  setFormat(format: CharFormat): void {
    this.format = format;
    this.bitsPerChar = 1 + format.dataBits + (format.parity === 'none' ? 0 : 1) + 1;
  }

  process(decisions: Uint8Array, n: number, sink: ByteSink): void {
    for (let i = 0; i < n; i++) {
      const d = decisions[i];
      const prev = this.prev;
      this.prev = d;
      switch (this.state) {
        case State.Hunt:
          if (d === 1) {
            this.state = State.Armed;
            this.breakSpace = 0;
          } else if (this.zeroChars > 0 && !this.inBreak) {
            // Space continuing after an all-space character: a break once it lasts two character times.
            this.breakSpace += 65536;
            if (this.breakSpace >= this.spbQ16 * this.bitsPerChar) {
              this.inBreak = true;
              this.breaks++;
              sink.putBreak?.();
            }
          }
          break;
        case State.Armed:
          if (d === 0) {
            this.state = State.InChar;
            this.bitIndex = 0;
            this.word = 0;
            this.countdown = this.spbQ16 >> 1;
          }
          break;
        case State.InChar:
          if (d !== prev) {
            // A transition inside the character should fall midway between sampling points: pull towards it.
            this.countdown -= (this.countdown - (this.spbQ16 >> 1)) >> 2;
          }
          this.countdown -= 65536;
          if (this.countdown <= 0) {
            this.countdown += this.spbQ16;
            this.sample(d, sink);
          }
          break;
      }
    }
  }

  private sample(bit: number, sink: ByteSink): void {
    const idx = this.bitIndex++;
    if (idx === 0) {
      if (bit !== 0) this.state = State.Armed; // a glitch, not a start bit
      return;
    }
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

  reset(): void {
    this.state = State.Hunt;
    this.zeroChars = 0;
    this.inBreak = false;
  }
}
