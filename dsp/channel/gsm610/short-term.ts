import { abs16, add, multR, sub } from './arith.ts';
import { LAR_B, LAR_INVA, LAR_MIC } from './tables.ts';

/** §4.2.8: coded LARc[0..8) (at `offset`) → decoded LARpp[0..8). */
export function decodeLars(larc: Int16Array, offset: number, larpp: Int16Array): void {
  for (let i = 0; i < 8; i++) {
    let t = add(larc[offset + i], LAR_MIC[i]) << 10;
    t = sub(t, LAR_B[i] << 1);
    t = multR(LAR_INVA[i], t);
    larpp[i] = add(t, t);
  }
}

/**
 * §4.2.9.1 and §4.2.9.2: LARs for one of the four interpolation segments (samples 0–12, 13–26, 27–39, 40–159),
 * from the previous frame's LARpp and this frame's, then converted to reflection coefficients rp[0..8).
 */
export function interpolatedRp(prev: Int16Array, cur: Int16Array, segment: number, rp: Int16Array): void {
  for (let i = 0; i < 8; i++) {
    let larp: number;
    if (segment === 0) larp = add(add(prev[i] >> 2, cur[i] >> 2), prev[i] >> 1);
    else if (segment === 1) larp = add(prev[i] >> 1, cur[i] >> 1);
    else if (segment === 2) larp = add(add(prev[i] >> 2, cur[i] >> 2), cur[i] >> 1);
    else larp = cur[i];
    let t = abs16(larp);
    if (t < 11059) t <<= 1;
    else if (t < 20070) t = add(t, 11059);
    else t = add(t >> 2, 26112);
    rp[i] = larp < 0 ? sub(0, t) : t;
  }
}

/** First sample of each interpolation segment (§4.2.9.1), with the frame end as a sentinel. */
export const SEGMENT_START = Int16Array.of(0, 13, 27, 40, 160);

/** §4.2.10: short-term analysis (lattice) filter, in place over s[from..to), state u[0..8). */
export function shortTermAnalysis(rp: Int16Array, u: Int16Array, s: Int16Array, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    let di = s[k];
    let sav = di;
    for (let i = 0; i < 8; i++) {
      const ui = u[i];
      const temp = add(ui, multR(rp[i], di));
      di = add(di, multR(rp[i], ui));
      u[i] = sav;
      sav = temp;
    }
    s[k] = di;
  }
}

/** §4.3.4: short-term synthesis (lattice) filter from wt[from..to) into sr[from..to), state v[0..9). */
export function shortTermSynthesis(
  rrp: Int16Array,
  v: Int16Array,
  wt: Int16Array,
  sr: Int16Array,
  from: number,
  to: number,
): void {
  for (let k = from; k < to; k++) {
    let sri = wt[k];
    for (let i = 7; i >= 0; i--) {
      sri = sub(sri, multR(rrp[i], v[i]));
      v[i + 1] = add(v[i], multR(rrp[i], sri));
    }
    sr[k] = sri;
    v[0] = sri;
  }
}
