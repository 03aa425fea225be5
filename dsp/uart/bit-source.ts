/** Where a modulator takes its next bit from. */
export interface BitSource {
  nextBit(): number;
}

/** Where a demodulator's synchronous bit clock puts each bit. */
export interface BitSink {
  putBit(bit: number): void;
}

/**
 * A demodulator that decides a bit from the signal around a bit clock's sampling point, better than the one
 * per-sample decision there (FSK: a three-bit sequence decision). It answers one bit late: for the bit whose
 * window ends one bit period before `endSample` + frac/65536 (frac ≤ 0, Q16), in the demodulator's own sample
 * count; `spbQ16` is the clock's bit period in Q16 samples. Returns 1 for mark.
 */
export interface BitDecider {
  decideBit(endSample: number, frac: number, spbQ16: number): number;
}

/** Where a deframer puts each character. */
export interface ByteSink {
  putByte(byte: number): void;
  /** A break: the line held at space for at least a character time. */
  putBreak?(): void;
  /** A character whose stop bit was space, discarded. */
  framingError?(): void;
  /** A character whose parity bit was wrong, delivered anyway. */
  parityError?(byte: number): void;
}

export type Parity = 'none' | 'even' | 'odd';

export interface CharFormat {
  readonly dataBits: 7 | 8;
  readonly parity: Parity;
  readonly stopBits: 1 | 2;
}

export const FORMAT_8N1: CharFormat = { dataBits: 8, parity: 'none', stopBits: 1 };
