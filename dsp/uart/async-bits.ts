import type { BitSink, ByteSink, CharFormat } from './bit-source.ts';
import { FORMAT_8N1 } from './bit-source.ts';

const enum State {
  WaitMark, // after a framing error (or at start): a mark bit must come before a start bit counts
  Hunt, // mark seen: the next space is a start bit
  InChar,
}

/**
 * Async start/stop deframer fed bit by bit, for the synchronous modems (V.22 §4 async-to-sync conversion): the
 * demodulator's bit clock already gives one decision per bit, so a start bit is simply a 0 after a 1, followed by
 * the data bits LSB first, optional parity and a stop bit that must be 1. Mark fill between characters is idle.
 */
export class AsyncBitDeframer implements BitSink {
  private state = State.WaitMark;
  private word = 0;
  private count = 0;
  private bitsAfterStart: number;
  framingErrors = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly format: CharFormat = FORMAT_8N1,
  ) {
    this.bitsAfterStart = format.dataBits + (format.parity === 'none' ? 0 : 1) + 1;
  }

  putBit(bit: number): void {
    switch (this.state) {
      case State.WaitMark:
        if (bit) this.state = State.Hunt;
        return;
      case State.Hunt:
        if (!bit) {
          this.state = State.InChar;
          this.word = 0;
          this.count = 0;
        }
        return;
      case State.InChar:
        if (this.count < this.bitsAfterStart - 1) {
          this.word |= (bit & 1) << this.count++;
          return;
        }
        this.finish(bit);
    }
  }

  private finish(stop: number): void {
    const { dataBits, parity } = this.format;
    const data = this.word & ((1 << dataBits) - 1);
    if (!stop) {
      this.framingErrors++;
      this.sink.framingError?.();
      this.state = State.WaitMark;
      return;
    }
    if (parity !== 'none') {
      let ones = 0;
      for (let v = this.word; v; v >>= 1) ones += v & 1;
      if ((ones & 1) !== (parity === 'even' ? 0 : 1)) this.sink.parityError?.(data);
    }
    this.sink.putByte(data);
    this.state = State.Hunt;
  }

  reset(): void {
    this.state = State.WaitMark;
  }
}
