import { ByteRing } from '../uart/byte-ring.ts';
import { CW_ETM, CW_FLUSH, CW_STEPUP, V42bisDictionary, V42bisMatcher } from './v42bis-dictionary.ts';

/** Transparent-mode command codes, sent after the escape character (V.42bis Table 2). */
export const CMD_ECM = 0;
export const CMD_EID = 1;
export const CMD_RESET = 2;
/**
 * The escape character starts at 0 and moves on by 51 (mod 256) each time it occurs in the DTE's data, in either
 * mode, so that both ends agree on it whenever transparent mode is entered.
 */
export const ESC_STEP = 51;
/** Characters between two looks at whether the other mode would do better (the compressibility test, §7.8). */
const TEST_WINDOW = 256;

export type V42bisMode = 'transparent' | 'compressed';

/** Bits needed to write `cw`. */
function bitLength(cw: number): number {
  return 32 - Math.clz32(cw);
}

/**
 * The V.42bis encoder of one direction. String matching and dictionary updating run on every character in both
 * modes (V42bisMatcher). In compressed mode the codewords go out packed least significant bit first, with STEPUP
 * before a codeword that does not fit C2 bits; in transparent mode the characters go out as they are, the escape
 * character followed by EID. Every 256 characters it compares the bits each mode would have used and switches
 * (ESC ECM, or ETM) when the other is clearly better.
 */
export class V42bisEncoder {
  mode: V42bisMode = 'transparent';
  readonly out = new ByteRing(8192);
  /** Characters taken from the DTE (for the compression ratio) and mode changes made. */
  charsIn = 0;
  switches = 0;
  private readonly dict: V42bisDictionary;
  private readonly matcher: V42bisMatcher;
  private readonly maxBits: number;
  private c2 = 9;
  private bits = 0;
  private bitCount = 0;
  private esc = 0;
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
    const cw = this.matcher.feed(c);
    const escaped = c === this.esc;
    if (escaped) this.esc = (this.esc + ESC_STEP) & 0xff;
    this.transparentCost += escaped ? 16 : 8;
    if (cw >= 0) this.compressedCost += Math.max(this.c2, bitLength(cw));
    if (this.mode === 'compressed') {
      if (cw >= 0) this.emit(cw);
    } else {
      this.out.push(c);
      if (escaped) this.out.push(CMD_EID);
    }
    if (++this.windowChars >= TEST_WINDOW) this.test();
  }

  /**
   * Nothing more to send for now: the string so far goes out, then FLUSH pads to an octet boundary, so the far end
   * has it all. The string is still learned with the next character, as the decoder learns it.
   */
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

  /** §7.8.1: the string being matched went out as characters; it is learned with the next character. */
  private enterCompressed(): void {
    this.matcher.end();
    this.out.push(this.esc);
    this.out.push(CMD_ECM);
    this.mode = 'compressed';
    this.switches++;
  }

  /** §7.8.2: the string so far goes out as its codeword, then ETM and padding to an octet boundary. */
  private enterTransparent(): void {
    const cw = this.matcher.end();
    if (cw >= 0) this.emit(cw);
    this.matcher.lastAdded = -1;
    this.emit(CW_ETM);
    this.align();
    this.mode = 'transparent';
    this.switches++;
  }

  /** Send a codeword, stepping the codeword size up first while it does not fit (STEPUP). */
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
