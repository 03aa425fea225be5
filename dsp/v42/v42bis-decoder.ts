import type { ByteRing } from '../uart/byte-ring.ts';
import { CW_ETM, CW_FLUSH, CW_STEPUP, V42bisDictionary, V42bisMatcher } from './v42bis-dictionary.ts';
import { CMD_ECM, CMD_EID, CMD_RESET, ESC_STEP, type V42bisMode } from './v42bis-encoder.ts';

/**
 * The V.42bis decoder of one direction, the mirror of V42bisEncoder: in compressed mode it reads codewords of C2
 * bits, spells their strings and learns "previous string + first character of this one"; in transparent mode it
 * passes characters and runs the same string matcher as the encoder so that both dictionaries stay equal.
 */
export class V42bisDecoder {
  mode: V42bisMode = 'transparent';
  /** Codewords that named no string (a corrupted stream: cannot happen under LAPM). */
  errors = 0;
  charsOut = 0;
  overruns = 0;
  private readonly dict: V42bisDictionary;
  private readonly matcher: V42bisMatcher;
  private readonly maxBits: number;
  private readonly spellBuf: Uint8Array;
  private c2 = 9;
  private bits = 0;
  private bitCount = 0;
  private esc = 0;
  private escaped = false;
  private learnNext = -1;
  private prev = -1;

  constructor(p1: number, p2: number) {
    this.dict = new V42bisDictionary(p1, p2);
    this.matcher = new V42bisMatcher(this.dict);

    this.maxBits = Math.ceil(Math.log2(p1));
    this.spellBuf = new Uint8Array(p2 + 1);
  }

  /** Decode octets from I frames into `rx`; returns the characters delivered. */
  decode(data: Uint8Array, rx: ByteRing): number {
    const before = this.charsOut;
    for (let i = 0; i < data.length; i++) {
      if (this.mode === 'transparent') this.transparent(data[i], rx);
      else this.compressed(data[i], rx);
    }
    return this.charsOut - before;
  }

  private deliver(c: number, rx: ByteRing): void {
    if (!rx.push(c)) this.overruns++;
    this.charsOut++;
  }

  private transparent(o: number, rx: ByteRing): void {
    if (this.escaped) {
      this.escaped = false;
      if (o === CMD_ECM) {
        this.mode = 'compressed';
        this.prev = this.matcher.node; // the encoder's string ended at ECM, learned with the next (V42bisEncoder)
        this.matcher.node = -1;
        this.bits = this.bitCount = 0;
      } else if (o === CMD_EID) {
        this.deliver(this.esc, rx);
        this.learn(this.esc);
        this.esc = (this.esc + ESC_STEP) & 0xff;
      } else if (o === CMD_RESET) {
        this.dict.reset();
        this.matcher.node = -1;
        this.c2 = 9;
      }
      return;
    }
    if (o === this.esc) {
      this.escaped = true;
      return;
    }
    this.deliver(o, rx);
    this.learn(o);
  }

  /** A character of transparent mode into the matcher, after learning the string ETM ended with it. */
  private learn(c: number): void {
    if (this.learnNext >= 0) {
      this.dict.add(this.learnNext, c);
      this.learnNext = -1;
    }
    this.matcher.feed(c);
  }

  private compressed(o: number, rx: ByteRing): void {
    this.bits |= o << this.bitCount;
    this.bitCount += 8;
    while (this.bitCount >= this.c2 && this.mode === 'compressed') {
      const cw = this.bits & ((1 << this.c2) - 1);
      this.bits >>>= this.c2;
      this.bitCount -= this.c2;
      this.codeword(cw, rx);
    }
  }

  private codeword(cw: number, rx: ByteRing): void {
    switch (cw) {
      case CW_ETM: {
        const last = this.prev;
        this.align();
        this.mode = 'transparent';
        this.matcher.node = -1;
        this.learnNext = last; // as the encoder: the last string is learned with the next character
        return;
      }
      case CW_FLUSH:
        this.align();
        this.prev = -1;
        return;
      case CW_STEPUP:
        if (this.c2 < this.maxBits) this.c2++;
        return;
    }
    if (!this.dict.valid(cw)) {
      this.errors++;
      return;
    }
    const n = this.dict.spell(cw, this.spellBuf, 0);
    for (let k = 0; k < n; k++) this.deliver(this.spellBuf[k], rx);
    if (this.prev >= 0) this.dict.add(this.prev, this.spellBuf[0]);
    this.prev = cw;
  }

  /** Drop the bits left in the octet being read (after ETM and FLUSH the encoder padded to an octet boundary). */
  private align(): void {
    const extra = this.bitCount % 8;
    this.bits >>>= extra;
    this.bitCount -= extra;
    this.prev = -1;
  }
}
