import type { BitSource, CharFormat } from './bit-source.ts';
import { FORMAT_8N1 } from './bit-source.ts';
import { ByteRing } from './byte-ring.ts';

/**
 * Async start/stop framing: start bit 0, data bits LSB first, optional parity, stop bits 1; mark (1) when idle.
 * Feeds a modulator bit by bit from a bounded queue.
 */
export class AsyncFramer implements BitSource {
  readonly queue: ByteRing;
  private shiftReg = 0; // remaining bits of the current character, LSB next
  private bitsLeft = 0;
  private breakBits = 0;

  constructor(
    private format: CharFormat = FORMAT_8N1,
    capacity = 4096,
  ) {
    this.queue = new ByteRing(capacity);
  }

  setFormat(format: CharFormat): void {
    this.format = format;
  }

  /** Hold the line at space for `bits` bit times (a break) once the current character is out. */
  sendBreak(bits: number): void {
    this.breakBits = bits;
  }

  /** True while a character or break is being sent or waits in the queue. */
  get busy(): boolean {
    return this.bitsLeft > 0 || this.queue.length > 0 || this.breakBits > 0;
  }

  nextBit(): number {
    if (this.bitsLeft === 0) {
      if (this.breakBits > 0) {
        this.breakBits--;
        return 0;
      }
      const byte = this.queue.shift();
      if (byte < 0) return 1;
      this.load(byte);
    }
    const bit = this.shiftReg & 1;
    this.shiftReg >>>= 1;
    this.bitsLeft--;
    return bit;
  }

  private load(byte: number): void {
    const { dataBits, parity, stopBits } = this.format;
    const data = byte & ((1 << dataBits) - 1);
    let word = data << 1; // start bit 0 in bit 0
    let n = 1 + dataBits;
    if (parity !== 'none') {
      let ones = 0;
      for (let v = data; v; v >>= 1) ones += v & 1;
      const p = parity === 'even' ? ones & 1 : (ones & 1) ^ 1;
      word |= p << n;
      n++;
    }
    for (let s = 0; s < stopBits; s++) word |= 1 << n++;
    this.shiftReg = word;
    this.bitsLeft = n;
  }
}
