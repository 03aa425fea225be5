import { abs16, add, mult, multR, sub, toWord } from './arith.ts';
import { APCM_FAC, APCM_NRFAC, RPE_H, SUBFRAME } from './tables.ts';

/**
 * §4.2.13: weighting filter: x[k] = Σ H[i]·e[k + i − 5], with e zero outside the sub-frame. `e` is read at
 * e[eOff − 5 .. eOff + 45), so the caller keeps 5 zero words either side of the sub-frame.
 */
export function weightingFilter(e: Int16Array, eOff: number, x: Int16Array): void {
  for (let k = 0; k < SUBFRAME; k++) {
    let acc = 4096; // rounding for the >> 13 below (the standard's 8192 before its ×2 ×4 scaling)
    const base = eOff + k - 5;
    for (let i = 0; i < 11; i++) acc += Math.imul(e[base + i], RPE_H[i]);
    const y = acc >> 13;
    x[k] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
  }
}

/** §4.2.14: RPE grid selection: the phase Mc (0..3) of the decimated sequence with the most energy. */
export function gridSelection(x: Int16Array): number {
  let em = 0;
  let mc = 0;
  for (let m = 0; m < 4; m++) {
    let acc = 0;
    for (let i = 0; i < 13; i++) {
      const t = x[m + 3 * i] >> 2;
      acc += Math.imul(t, t);
    }
    if (acc > em) {
      mc = m;
      em = acc;
    }
  }
  return mc;
}

/** §4.2.15 (second half) and §4.3.1: exponent and mantissa of a coded block maximum xmaxc, into out[0], out[1]. */
export function xmaxcToExpMant(xmaxc: number, out: Int16Array): void {
  let exp = xmaxc > 15 ? (xmaxc >> 3) - 1 : 0;
  let mant = xmaxc - (exp << 3);
  if (mant === 0) {
    exp = -4;
    mant = 7;
  } else {
    while (mant <= 7) {
      mant = (mant << 1) | 1;
      exp--;
    }
    mant -= 8;
  }
  out[0] = exp;
  out[1] = mant;
}

/**
 * §4.2.15: APCM quantisation of the 13 selected samples xM (at x[mc + 3i]): writes the coded maximum to
 * params[at] and the 13 codes xMc to params[at + 1 .. at + 14). `expMant` is 2 words of scratch.
 */
export function apcmQuantise(x: Int16Array, mc: number, params: Int16Array, at: number, expMant: Int16Array): void {
  let xmax = 0;
  for (let i = 0; i < 13; i++) {
    const t = abs16(x[mc + 3 * i]);
    if (t > xmax) xmax = t;
  }
  let exp = 0;
  let temp = xmax >> 9;
  let itest = false;
  for (let i = 0; i <= 5; i++) {
    itest = itest || temp <= 0;
    temp >>= 1;
    if (!itest) exp++;
  }
  const xmaxc = add(xmax >> (exp + 5), exp << 3);
  params[at] = xmaxc;

  xmaxcToExpMant(xmaxc, expMant);
  const shift = 6 - expMant[0];
  const nrfac = APCM_NRFAC[expMant[1]];
  for (let i = 0; i < 13; i++) {
    const t = mult(toWord(x[mc + 3 * i] << shift), nrfac) >> 12;
    params[at + 1 + i] = t + 4;
  }
}

/**
 * §4.3.1 with §4.2.16 and §4.2.17: APCM inverse quantisation of the codes params[at + 1 .. at + 14) with
 * maximum params[at], placed on grid position mc in ep[0..40) (zeros elsewhere).
 */
export function apcmDequantise(params: Int16Array, at: number, mc: number, ep: Int16Array, expMant: Int16Array): void {
  xmaxcToExpMant(params[at], expMant);
  const fac = APCM_FAC[expMant[1]];
  const shift = sub(6, expMant[0]);
  const round = shift > 0 ? 1 << (shift - 1) : 0;
  ep.fill(0, 0, SUBFRAME);
  for (let i = 0; i < 13; i++) {
    const t = toWord(((params[at + 1 + i] << 1) - 7) << 12);
    ep[mc + 3 * i] = add(multR(fac, t), round) >> shift;
  }
}
