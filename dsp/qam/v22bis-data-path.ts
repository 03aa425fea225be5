import { V22Descrambler, V22Scrambler } from '../scrambler.ts';
import { AsyncBitDeframer } from '../uart/async-bits.ts';
import type { AsyncFramer } from '../uart/async-framer.ts';
import { CHAR_BITS } from './v22bis-handshake.ts';

/** Synchronous data bits in place of async characters (V.22 §4 mode i, V.42's frames, the BER measurements). */
export interface SyncDataPort {
  nextBit(): number;
  putBit(bit: number): void;
}

/**
 * The V.22bis pump's data path, apart from its start-up and retrain sequencing (v22bis-pump.ts): async characters
 * from the framer carried over the synchronous modem (V.22 §4: 8N1 characters back to back, mark fill), scrambled
 * (V.22 §5, 1 + x^−14 + x^−17), and the far end's bits descrambled and deframed. With `sync` set, bits go from it
 * straight to the scrambler and from the descrambler straight to it, bypassing framer and deframer.
 */
export class V22bisDataPath {
  sync: SyncDataPort | null = null;
  private readonly scrambler = new V22Scrambler();
  private readonly descrambler = new V22Descrambler();
  private readonly deframer: AsyncBitDeframer;
  private charBitsLeft = 0; // bits of the transmitted character still to come
  private open = false;

  constructor(
    private readonly framer: AsyncFramer,
    putByte: (byte: number) => void,
  ) {
    this.deframer = new AsyncBitDeframer({ putByte });
  }

  get framingErrors(): number {
    return this.deframer.framingErrors;
  }

  /** No character is on its way out: a retrain or a fallback may begin at this symbol. */
  get betweenCharacters(): boolean {
    return this.charBitsLeft === 0;
  }

  /**
   * Two scrambled bits, first in the high bit: binary ones (`fill` = 1) or data (`fill` = −1). `holdMark`: a
   * retrain or fallback waits for the character on the line to end, so no new one starts (mark fills).
   */
  dibit(fill: number, holdMark: boolean): number {
    const a = this.scrambler.scramble(fill < 0 ? this.dataBit(holdMark) : fill);
    const b = this.scrambler.scramble(fill < 0 ? this.dataBit(holdMark) : fill);
    return (a << 1) | b;
  }

  /** Async characters are followed (start bit, then 9 more for 8N1) so that a retrain can wait for one to end. */
  private dataBit(holdMark: boolean): number {
    if (this.sync) return this.sync.nextBit();
    if (this.charBitsLeft > 0) {
      this.charBitsLeft--;
      return this.framer.nextBit();
    }
    if (holdMark) return 1;
    const bit = this.framer.nextBit();
    if (bit === 0) this.charBitsLeft = CHAR_BITS - 1;
    return bit;
  }

  /** A character cut by a retrain or a fallback is dropped whole, so the next one starts clean. */
  dropCharacter(): void {
    while (this.charBitsLeft > 0 && !this.sync) {
      this.framer.nextBit();
      this.charBitsLeft--;
    }
  }

  /** One received line bit, descrambled. */
  descramble(line: number): number {
    return this.descrambler.descramble(line);
  }

  /** Received data is delivered (circuit 104 follows the line): from here `deliver` passes bits on. */
  get receiving(): boolean {
    return this.open;
  }

  /** The far end's data may begin: the deframer starts afresh, looking for a start bit. */
  startReceiving(): void {
    if (this.open) return;
    this.open = true;
    this.deframer.reset();
  }

  /** Circuit 104 clamped to mark again (a retrain, a fallback, an S1 in the data). */
  stopReceiving(): void {
    this.open = false;
  }

  /** A character cut by the loss of the far signal is not finished by what follows. */
  resetDeframer(): void {
    this.deframer.reset();
  }

  /** A descrambled bit to the deframer (or `sync`), once receiving. */
  deliver(bit: number): void {
    if (this.open) (this.sync ?? this.deframer).putBit(bit);
  }
}
