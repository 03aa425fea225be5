import { add, multR } from './arith.ts';
import { ltpSynthesisFilter } from './long-term.ts';
import { apcmDequantise } from './rpe.ts';
import { decodeLars, interpolatedRp, SEGMENT_START, shortTermSynthesis } from './short-term.ts';
import { FRAME, SUB_PARAMS, SUBFRAME } from './tables.ts';

/**
 * GSM 06.10 full-rate decoder, bit-exact to the standard's §4.3: 76 parameters → 160 samples of 16-bit PCM
 * whose 3 least significant bits are zero (13-bit PCM, §4.3.7).
 */
export class Gsm610Decoder {
  /** Reconstructed long-term residual: [0, 120) the history, [120, 280) the frame being decoded. */
  private readonly drp = new Int16Array(120 + FRAME);
  private readonly wt = new Int16Array(FRAME);
  private readonly sr = new Int16Array(FRAME);
  private readonly erp = new Int16Array(SUBFRAME);
  private readonly pair = new Int16Array(2);
  private larppPrev = new Int16Array(8);
  private larppCur = new Int16Array(8);
  private readonly rrp = new Int16Array(8);
  private readonly v = new Int16Array(9);
  private nrp = 40;
  private msr = 0;

  /** Decode params[pOff .. pOff+76) into out[offset .. offset+160). */
  decode(params: Int16Array, pOff: number, out: Int16Array, offset = 0): void {
    const { drp, wt, sr, erp } = this;
    for (let j = 0; j < 4; j++) {
      const at = pOff + 8 + SUB_PARAMS * j;
      const nc = params[at];
      apcmDequantise(params, at + 3, params[at + 2], erp, this.pair);
      // §4.3.2: a lag outside 40..120 (possible only after transmission errors) repeats the previous one.
      const nr = nc < 40 || nc > 120 ? this.nrp : nc;
      this.nrp = nr;
      ltpSynthesisFilter(params[at + 1], nr, erp, drp, 120 + SUBFRAME * j);
    }
    wt.set(drp.subarray(120, 120 + FRAME));
    drp.copyWithin(0, FRAME, FRAME + 120);

    decodeLars(params, pOff, this.larppCur);
    for (let seg = 0; seg < 4; seg++) {
      interpolatedRp(this.larppPrev, this.larppCur, seg, this.rrp);
      shortTermSynthesis(this.rrp, this.v, wt, sr, SEGMENT_START[seg], SEGMENT_START[seg + 1]);
    }
    const t = this.larppPrev;
    this.larppPrev = this.larppCur;
    this.larppCur = t;

    let msr = this.msr;
    for (let k = 0; k < FRAME; k++) {
      msr = add(sr[k], multR(msr, 28180)); // §4.3.5 de-emphasis, beta = 28180 / 32768
      out[offset + k] = add(msr, msr) & ~7; // §4.3.6 upscaling, §4.3.7 truncation to 13 bits
    }
    this.msr = msr;
  }

  reset(): void {
    this.drp.fill(0);
    this.larppPrev.fill(0);
    this.larppCur.fill(0);
    this.v.fill(0);
    this.nrp = 40;
    this.msr = 0;
  }
}
