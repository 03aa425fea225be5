import { ByteRing } from '../uart/byte-ring.ts';
import { CW_ETM, CW_FLUSH, CW_STEPUP, V42bisDictionary, V42bisMatcher } from './v42bis-dictionary.ts';

/** Transparent-mode command codes, sent after the escape character (V.42bis §5.?, Table 2). */
export const CMD_ECM = 0;
export const CMD_EID = 1;
export const CMD_RESET = 2;
/** The escape character moves on by this much each time it occurs in the data (§7.?, "escape character cycling"). */
export const ESC_STEP = 51;
/** Characters between two looks at whether the other mode would do better (the compressibility test). */
const TEST_WINDOW = 256;

export type V42bisMode = 'transparent' | 'compressed';

/**
 * The V.42bis encoder of one direction: string matching over the dictionary in both modes; in compressed mode the
 * codewords go out packed least significant bit first with STEPUP when they outgrow the codeword size (C2); in
 * transparent mode the characters go out as they are, the escape character doubled as ESC EID. Every 256 characters
 * it compares the bits each mode would have used and switches (ESC ECM, or ETM) when the other is clearly better.
 */
export class V42bisEncoder {
  mode: V42bisMode = 'transparent';
  readonly out = new ByteRing(8192);
  /** Characters taken from the DTE, codewords/octets out (for the compression ratio). */
  charsIn = 0;
  switches = 0;
  private readonly dict: V42bisDictionary;
  private readonly matcher: V42bisMatcher;
  private readonly maxBits: number;
  private c2 = 9;
  private bits = 0;
  private bitCount = 0;
  private esc = 0;
  private learnNext = -1; // the string ended by ECM, to be learned with the next character
  private windowChars = 0;
  private compressedCost = 0;
  private transparentCost = 0;

  constructor(
    p1: number,
    p2: number,
    readonly policy: 'dynamic' | 'always' | 'never' = 'dynamic',
  ) {
    this.dict = new V42bisDictionary(p1, p2);
    this.matcher = new V42bisMatcher(this.dict);
    this.maxBits = Math.ceil(Math.log2(p1));
    if (policy === 'always') this.enterCompressed();
  }

  /** Encode one character from the DTE. */
  put(c: number): void {
    this.charsIn++;
    if (this.learnNext >= 0) {
      this.dict.add(this.learnNext, c);
      this.learnNext = -1;
    }
    const cw = this.matcher.feed(c);
    this.transparentCost += c === this.esc ? 16 : 8;
    if (cw >= 0) this.compressedCost += this.c2;
    if (this.mode === 'compressed') {
      if (cw >= 0) this.emit(cw);
    } else {
      this.out.push(c);
      if (c === this.esc) {
        this.out.push(CMD_EID);
        this.esc = (this.esc + ESC_STEP) & 0xff;
      }
    }
    if (++this.windowChars >= TEST_WINDOW) this.test();
  }

  /** Nothing more to send for now: end the string and pad to an octet boundary (FLUSH), so the far end has it all. */
  flush(): void {
    if (this.mode !== 'compressed') return;
    const cw = this.matcher.end();
    if (cw < 0 && this.bitCount === 0) return;
    if (cw >= 0) this.emit(cw);
    this.emit(CW_FLUSH);
    this.align();
  }

  /** Anything held back that a flush would send. */
  get pending(): boolean {
    return this.mode === 'compressed' && (this.matcher.node >= 0 || this.bitCount > 0);
  }

  private test(): void {
    const c = this.compressedCost;
    const t = this.transparentCost;
    this.windowChars = this.compressedCost = this.transparentCost = 0;
    if (this.policy !== 'dynamic') return;
    if (this.mode === 'transparent' && c * 8 < t * 7) this.enterCompressed();
    else if (this.mode === 'compressed' && c > t) this.enterTransparent();
  }

  private enterCompressed(): void {
    // The string being matched was sent as characters already: it ends here, and is learned with the next character
    // (the decoder does so with the first codeword after ECM), which starts the first string of compressed mode.
    this.learnNext = this.matcher.end();
    this.out.push(this.esc);
    this.out.push(CMD_ECM);
    this.mode = 'compressed';
    this.switches++;
  }

  private enterTransparent(): void {
    // The string so far goes out as its codeword; like ECM, it is learned with the next character.
    const cw = this.matcher.end();
    if (cw >= 0) this.emit(cw);
    this.learnNext = cw;
    this.emit(CW_ETM);
    this.align();
    this.mode = 'transparent';
    this.switches++;
  }

  /** Send a codeword, stepping the codeword size up first while it does not fit (§7.?, STEPUP). */
  private emit(cw: number): void {
    while (cw >= 1 << this.c2 && this.c2 < this.maxBits) {
      this.putBits(CW_STEPUP, this.c2);
      this.c2++;
    }
    this.putBits(cw, this.c2);
  }

  private putBits(v: number, n: number): void {
    this.bits |= v << this.bitCount;
    this.bitCount += n;
    while (this.bitCount >= 8) {
      this.out.push(this.bits & 0xff);
      this.bits >>>= 8;
      this.bitCount -= 8;
    }
  }

  private align(): void {
    if (this.bitCount > 0) this.out.push(this.bits & 0xff);
    this.bits = 0;
    this.bitCount = 0;
  }
}
