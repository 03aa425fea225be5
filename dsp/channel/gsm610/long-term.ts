import { abs16, add, multR, mult, norm, sub } from './arith.ts';
import { LTP_DLB, LTP_QLB, SUBFRAME } from './tables.ts';

/**
 * §4.2.11: LTP lag Nc (40..120) and coded gain bc (0..3) for the sub-frame d[dOff..dOff+40), against the
 * reconstructed short-term residual history dp, where dp[dpOff + k − λ] is the sample λ before d[k].
 * Writes Nc and bc to out[0], out[1]. `wt` is 40 words of scratch.
 */
export function ltpParameters(
  d: Int16Array,
  dOff: number,
  dp: Int16Array,
  dpOff: number,
  wt: Int16Array,
  out: Int16Array,
): void {
  let dmax = 0;
  for (let k = 0; k < SUBFRAME; k++) {
    const t = abs16(d[dOff + k]);
    if (t > dmax) dmax = t;
  }
  const temp = dmax === 0 ? 0 : norm(dmax << 16);
  const scal = temp > 6 ? 0 : 6 - temp;
  for (let k = 0; k < SUBFRAME; k++) wt[k] = d[dOff + k] >> scal;

  // Cross-correlation search over lags 40..120; the first maximum wins. Cannot overflow (|wt| < 2^9).
  let lMax = 0;
  let nc = 40;
  for (let lambda = 40; lambda <= 120; lambda++) {
    let acc = 0;
    const base = dpOff - lambda;
    for (let k = 0; k < SUBFRAME; k++) acc = (acc + Math.imul(wt[k], dp[base + k])) | 0;
    if (acc > lMax) {
      nc = lambda;
      lMax = acc;
    }
  }
  out[0] = nc;
  lMax = (lMax * 2) >> (6 - scal);

  let lPower = 0;
  for (let k = 0; k < SUBFRAME; k++) {
    const t = dp[dpOff + k - nc] >> 3;
    lPower += Math.imul(t, t);
  }
  lPower *= 2;

  if (lMax <= 0) {
    out[1] = 0;
    return;
  }
  if (lMax >= lPower) {
    out[1] = 3;
    return;
  }
  const shift = norm(lPower);
  const r = (lMax << shift) >> 16;
  const s = (lPower << shift) >> 16;
  let bc = 0;
  while (bc <= 2 && r > mult(s, LTP_DLB[bc])) bc++;
  out[1] = bc;
}

/** §4.2.12: long-term analysis filter: dpp = QLB[bc]·dp[k − Nc], e = d − dpp, for one sub-frame. */
export function ltpAnalysisFilter(
  bc: number,
  nc: number,
  dp: Int16Array,
  dpOff: number,
  d: Int16Array,
  dOff: number,
  dpp: Int16Array,
  e: Int16Array,
  eOff: number,
): void {
  const bp = LTP_QLB[bc];
  for (let k = 0; k < SUBFRAME; k++) {
    dpp[k] = multR(bp, dp[dpOff + k - nc]);
    e[eOff + k] = sub(d[dOff + k], dpp[k]);
  }
}

/** §4.3.2: long-term synthesis: drp[k] = erp[k] + QLB[bcr]·drp[k − Nr], into drp[drpOff..drpOff+40). */
export function ltpSynthesisFilter(
  bcr: number,
  nr: number,
  erp: Int16Array,
  drp: Int16Array,
  drpOff: number,
): void {
  const brp = LTP_QLB[bcr];
  for (let k = 0; k < SUBFRAME; k++) {
    drp[drpOff + k] = add(erp[k], multR(brp, drp[drpOff + k - nr]));
  }
}
