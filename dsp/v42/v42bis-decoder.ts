import type { ByteRing } from '../uart/byte-ring.ts';
import { CW_ETM, CW_FLUSH, CW_STEPUP, V42bisDictionary, V42bisMatcher } from './v42bis-dictionary.ts';
import { CMD_ECM, CMD_EID, CMD_RESET, ESC_STEP, type V42bisMode } from './v42bis-encoder.ts';

/**
 * The V.42bis decoder of one direction, the mirror of V42bisEncoder. In compressed mode it reads codewords of C2
 * bits, spells their strings and learns "previous string + first character of this one"; in transparent mode it
 * passes characters and runs the encoder's string matcher on them, so that both dictionaries stay equal across
 * the far end's changes of mode (ESC ECM, ETM).
 */
export class V42bisDecoder {
  mode: V42bisMode = 'transparent';
  /** Codewords or commands that made no sense (a corrupted stream: cannot happen under LAPM). */
  errors = 0;
  charsOut = 0;
  /** The far end's changes of mode followed (ESC ECM, ETM). */
  switches = 0;
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
      this.command(o, rx);
      return;
    }
    if (o === this.esc) {
      this.escaped = true;
      return;
    }
    this.deliver(o, rx);
    this.matcher.feed(o);
  }

  /** The octet after the escape character (Table 2). */
  private command(o: number, rx: ByteRing): void {
    if (o === CMD_ECM) {
      this.mode = 'compressed';
      this.switches++;
      this.matcher.end(); // the encoder's string ended here, learned with the next character
      this.bits = this.bitCount = 0;
    } else if (o === CMD_EID) {
      const c = this.esc;
      this.esc = (this.esc + ESC_STEP) & 0xff;
      this.deliver(c, rx);
      this.matcher.feed(c);
    } else if (o === CMD_RESET) {
      this.dict.reset();
      this.matcher.reset();
      this.c2 = 9;
      this.esc = 0;
    } else this.errors++;
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
      case CW_ETM:
        this.align();
        this.mode = 'transparent';
        this.switches++;
        this.matcher.node = -1;
        this.matcher.lastAdded = -1; // as the encoder; the last string is learned with the next character
        return;
      case CW_FLUSH:
        this.align(); // the last string is still learned with the next codeword's first character
        return;
      case CW_STEPUP:
        if (this.c2 < this.maxBits) this.c2++;
        else this.errors++;
        return;
    }
    const d = this.dict;
    if (!d.valid(cw)) {
      this.errors++;
      return;
    }
    const n = d.spell(cw, this.spellBuf, 0);
    const m = this.matcher;
    if (m.updateAt >= 0) m.learn(m.updateAt, this.spellBuf[0]);
    if (cw === d.c1) this.errors++; // it was the leaf recycled by that learning: the encoder cannot have sent it
    m.updateAt = d.depth[cw] < d.maxString ? cw : -1;
    for (let k = 0; k < n; k++) {
      const c = this.spellBuf[k];
      if (c === this.esc) this.esc = (this.esc + ESC_STEP) & 0xff;
      this.deliver(c, rx);
    }
  }

  /** Drop the bits left in the octet being read (after ETM and FLUSH the encoder padded to an octet boundary). */
  private align(): void {
    const extra = this.bitCount % 8;
    this.bits >>>= extra;
    this.bitCount -= extra;
  }
}
