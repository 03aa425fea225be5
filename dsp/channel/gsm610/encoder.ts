import { add } from './arith.ts';
import { autocorrelation, Preprocessor, quantiseLars, schur } from './lpc.ts';
import { ltpAnalysisFilter, ltpParameters } from './long-term.ts';
import { apcmDequantise, apcmQuantise, gridSelection, weightingFilter } from './rpe.ts';
import { decodeLars, interpolatedRp, SEGMENT_START, shortTermAnalysis } from './short-term.ts';
import { FRAME, SUB_PARAMS, SUBFRAME } from './tables.ts';

/**
 * GSM 06.10 full-rate (RPE-LTP, 13 kbit/s) encoder, bit-exact to the standard's §4.2 fixed-point description.
 * Input: 160 samples of 16-bit PCM (only the 13 most significant bits are used, §4.2.1).
 * Output: 76 parameters in transmission order (LARc[8], then per sub-frame Nc, bc, Mc, xmaxc, xMc[13]).
 */
export class Gsm610Encoder {
  private readonly pre = new Preprocessor();
  private readonly s = new Int16Array(FRAME);
  private readonly lAcf = new Float64Array(9);
  private readonly r = new Int16Array(8);
  private readonly work = new Int16Array(27);
  private larppPrev = new Int16Array(8);
  private larppCur = new Int16Array(8);
  private readonly rp = new Int16Array(8);
  private readonly u = new Int16Array(8);
  /** Reconstructed short-term residual: [0, 120) the history, [120, 280) the frame being coded (§4.2.18). */
  private readonly dp = new Int16Array(120 + FRAME);
  /** LTP residual e of one sub-frame at [5, 45), with 5 zeros either side for the weighting filter. */
  private readonly e = new Int16Array(SUBFRAME + 10);
  private readonly wt = new Int16Array(SUBFRAME);
  private readonly x = new Int16Array(SUBFRAME);
  private readonly ep = new Int16Array(SUBFRAME);
  private readonly dpp = new Int16Array(SUBFRAME);
  private readonly pair = new Int16Array(2);

  /** Encode pcm[offset .. offset+160) into params[pOff .. pOff+76). */
  encode(pcm: Int16Array, offset: number, params: Int16Array, pOff = 0): void {
    const s = this.s;
    this.pre.process(pcm, offset, s);
    autocorrelation(s, this.lAcf);
    schur(this.lAcf, this.r, this.work);
    quantiseLars(this.r, params, pOff);

    decodeLars(params, pOff, this.larppCur);
    for (let seg = 0; seg < 4; seg++) {
      interpolatedRp(this.larppPrev, this.larppCur, seg, this.rp);
      shortTermAnalysis(this.rp, this.u, s, SEGMENT_START[seg], SEGMENT_START[seg + 1]);
    }
    const t = this.larppPrev;
    this.larppPrev = this.larppCur;
    this.larppCur = t;

    const { dp, e, ep, dpp, x, pair } = this;
    for (let j = 0; j < 4; j++) {
      const at = pOff + 8 + SUB_PARAMS * j;
      const dpOff = 120 + SUBFRAME * j;
      ltpParameters(s, SUBFRAME * j, dp, dpOff, this.wt, pair);
      const nc = pair[0];
      const bc = pair[1];
      params[at] = nc;
      params[at + 1] = bc;
      ltpAnalysisFilter(bc, nc, dp, dpOff, s, SUBFRAME * j, dpp, e, 5);
      weightingFilter(e, 5, x);
      const mc = gridSelection(x);
      params[at + 2] = mc;
      apcmQuantise(x, mc, params, at + 3, pair);
      apcmDequantise(params, at + 3, mc, ep, pair);
      for (let k = 0; k < SUBFRAME; k++) dp[dpOff + k] = add(ep[k], dpp[k]);
    }
    dp.copyWithin(0, FRAME, FRAME + 120);
  }

  reset(): void {
    this.pre.reset();
    this.larppPrev.fill(0);
    this.larppCur.fill(0);
    this.u.fill(0);
    this.dp.fill(0);
  }
}
