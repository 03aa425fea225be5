/**
 * Constant tables of GSM 06.10 (ETSI EN 300 961), indexed from 0 (the standard counts LARs from 1).
 * Each comment names the clause of §4 that uses the table; the values are those of the standard's table section.
 */

/** Samples per frame and per sub-frame (§4.2: 160-sample frames, 4 sub-frames of 40). */
export const FRAME = 160;
export const SUBFRAME = 40;
/** Parameters per frame: 8 LARc, then 4 × (Nc, bc, Mc, xmaxc, 13 × xMc) (§1.7 / Table 1.1 bit allocation). */
export const PARAMS_PER_FRAME = 76;
export const SUB_PARAMS = 17;
/** Bits of each parameter in frame order, 260 in all (Table 1.1 bit allocation). */
export const PARAM_BITS: readonly number[] = (() => {
  const bits = [6, 6, 5, 5, 4, 4, 3, 3];
  for (let j = 0; j < 4; j++) bits.push(7, 2, 2, 6, ...new Array<number>(13).fill(3));
  return bits;
})();

/** LAR quantiser slopes A[i] (§4.2.7). */
export const LAR_A = Int16Array.of(20480, 20480, 20480, 20480, 13964, 15360, 8534, 9036);
/** LAR quantiser offsets B[i] (§4.2.7, §4.2.8). */
export const LAR_B = Int16Array.of(0, 0, 2048, -2560, 94, -1792, -341, -1144);
/** Smallest and largest coded LAR values MIC[i], MAC[i] (§4.2.7). */
export const LAR_MIC = Int16Array.of(-32, -32, -16, -16, -8, -8, -4, -4);
export const LAR_MAC = Int16Array.of(31, 31, 15, 15, 7, 7, 3, 3);
/** INVA[i] = 1/A[i] for LAR decoding (§4.2.8). */
export const LAR_INVA = Int16Array.of(13107, 13107, 13107, 13107, 19223, 17476, 31454, 29708);

/** LTP gain decision levels DLB (§4.2.11). */
export const LTP_DLB = Int16Array.of(6554, 16384, 26214, 32767);
/** Quantised LTP gains QLB (§4.2.12, §4.3.2). */
export const LTP_QLB = Int16Array.of(3277, 11469, 21299, 32767);

/** Impulse response H of the RPE weighting filter, 11 taps (§4.2.13). */
export const RPE_H = Int16Array.of(-134, -374, 0, 2054, 5741, 8192, 5741, 2054, 0, -374, -134);

/** Normalised inverse mantissa NRFAC for APCM quantisation (§4.2.15). */
export const APCM_NRFAC = Int16Array.of(29128, 26215, 23832, 21846, 20165, 18725, 17476, 16384);
/** Normalised direct mantissa FAC for APCM inverse quantisation (§4.2.16). */
export const APCM_FAC = Int16Array.of(18431, 20479, 22527, 24575, 26623, 28671, 30719, 32767);
