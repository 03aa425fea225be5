import { abs16, add, div15, lAdd, mult, multR, norm, sub } from './arith.ts';
import { FRAME, LAR_A, LAR_B, LAR_MAC, LAR_MIC } from './tables.ts';

/** Encoder preprocessing state: offset compensation (§4.2.2) and pre-emphasis (§4.2.3). */
export class Preprocessor {
  private z1 = 0;
  private lz2 = 0;
  private mp = 0;

  /** 16-bit PCM `sop[0..160)` → pre-emphasised `s[0..160)` (§4.2.1–4.2.3). */
  process(sop: Int16Array, offset: number, s: Int16Array): void {
    let { z1, lz2, mp } = this;
    for (let k = 0; k < FRAME; k++) {
      // §4.2.1: keep the 13 significant bits, then scale by 4.
      const so = (sop[offset + k] >> 3) << 2;
      // §4.2.2: high-pass offset compensation, alpha = 32735 / 32768, with a 31-bit state split in msp/lsp.
      const s1 = so - z1;
      z1 = so;
      let ls2 = s1 * 32768;
      const msp = lz2 >> 15;
      const lsp = lz2 - msp * 32768;
      ls2 += multR(lsp, 32735);
      lz2 = lAdd(msp * 32735, ls2);
      const lTemp = lAdd(lz2, 16384);
      // §4.2.3: pre-emphasis with beta = 28180 / 32768.
      const prev = multR(mp, -28180);
      mp = lTemp >> 15;
      s[k] = add(mp, prev);
    }
    this.z1 = z1;
    this.lz2 = lz2;
    this.mp = mp;
  }

  reset(): void {
    this.z1 = 0;
    this.lz2 = 0;
    this.mp = 0;
  }
}

/**
 * §4.2.4: autocorrelation L_ACF[0..9) of `s`, with the scaling that keeps it in 32 bits. `s` is rescaled in place
 * afterwards, losing the bits the scaling rounded away, exactly as the standard does (the short-term filter sees it).
 */
export function autocorrelation(s: Int16Array, lAcf: Float64Array): void {
  let smax = 0;
  for (let k = 0; k < FRAME; k++) {
    const t = abs16(s[k]);
    if (t > smax) smax = t;
  }
  const scalauto = smax === 0 ? 0 : 4 - norm(smax << 16);
  if (scalauto > 0) {
    const factor = 16384 >> (scalauto - 1);
    for (let k = 0; k < FRAME; k++) s[k] = multR(s[k], factor);
  }
  for (let lag = 0; lag < 9; lag++) {
    let acc = 0;
    for (let i = lag; i < FRAME; i++) acc = lAdd(acc, 2 * Math.imul(s[i], s[i - lag]));
    lAcf[lag] = acc;
  }
  if (scalauto > 0) for (let k = 0; k < FRAME; k++) s[k] = s[k] << scalauto;
}

/** §4.2.5: reflection coefficients r[0..8) from L_ACF by the Schur recursion. `work` holds ≥ 27 words of scratch. */
export function schur(lAcf: Float64Array, r: Int16Array, work: Int16Array): void {
  if (lAcf[0] === 0) {
    r.fill(0, 0, 8);
    return;
  }
  const shift = norm(lAcf[0]);
  const p = work.subarray(0, 9);
  const kk = work.subarray(9, 18);
  for (let i = 0; i <= 8; i++) {
    const acf = (lAcf[i] * 2 ** shift) / 65536;
    p[i] = Math.floor(acf);
    if (i >= 1) kk[i] = p[i];
  }
  for (let n = 1; n <= 8; n++) {
    const absP1 = abs16(p[1]);
    if (p[0] < absP1) {
      r.fill(0, n - 1, 8);
      return;
    }
    let rn = div15(absP1, p[0]);
    if (p[1] > 0) rn = sub(0, rn);
    r[n - 1] = rn;
    if (n === 8) return;
    p[0] = add(p[0], multR(p[1], rn));
    for (let m = 1; m <= 8 - n; m++) {
      const pNext = p[m + 1];
      p[m] = add(pNext, multR(kk[m], rn));
      kk[m] = add(kk[m], multR(pNext, rn));
    }
  }
}

/** §4.2.6 and §4.2.7: reflection coefficients → log-area ratios → coded LARc[0..8) (offset by −MIC, so ≥ 0). */
export function quantiseLars(r: Int16Array, larc: Int16Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    let t = abs16(r[i]);
    if (t < 22118) t >>= 1;
    else if (t < 31130) t = sub(t, 11059);
    else t = sub(t, 26112) << 2;
    const lar = r[i] < 0 ? sub(0, t) : t;
    let c = add(mult(LAR_A[i], lar), LAR_B[i]);
    c = add(c, 256) >> 9;
    larc[offset + i] = c > LAR_MAC[i] ? LAR_MAC[i] - LAR_MIC[i] : c < LAR_MIC[i] ? 0 : c - LAR_MIC[i];
  }
}
