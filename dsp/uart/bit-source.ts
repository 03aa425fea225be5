/** Where a modulator takes its next bit from. */
export interface BitSource {
  nextBit(): number;
}

/** Where a demodulator's synchronous bit clock puts each bit. */
export interface BitSink {
  putBit(bit: number): void;
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
