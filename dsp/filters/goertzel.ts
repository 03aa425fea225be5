import { SAMPLE_RATE } from '../q15.ts';

/** Largest |state| allowed in the Goertzel recursion: 2·2^28 + 2^28 + 2^15 stays below 2^31. */
const STATE_LIMIT = 2 ** 28;
/** Largest amplitude component squared without Int32 overflow (46340² < 2^31). */
const AMP_LIMIT = 46340;

/** s·c / 2^14 rounded, in Int32 arithmetic (32×16 multiply split in two halves); needs |c| ≤ 2^15, |s·c/2^14| < 2^30. */
export function mulQ14(s: number, c: number): number {
  return (Math.imul(s >> 14, c) + ((Math.imul(s & 0x3fff, c) + 0x2000) >> 14)) | 0;
}

/** s·c / 2^15 rounded; needs |c| ≤ 2^15 and |s·c/2^15| < 2^30. */
export function mulQ15(s: number, c: number): number {
  return (Math.imul(s >> 15, c) + ((Math.imul(s & 0x7fff, c) + 0x4000) >> 15)) | 0;
}

/** Turn a real factor in (0, 1) into a multiplier `m` < 2^15 and a right shift ≥ 15: x·f ≈ (x·m) >> shift. */
function factorToMulShift(f: number): [number, number] {
  let shift = 15;
  while (f * 2 ** (shift + 1) < 32767 && shift < 30) shift++;
  return [Math.round(f * 2 ** shift), shift];
}

/** (s·m) >> shift with rounding, for |s| < 2^30, m < 2^15, shift ≥ 15. */
function mulShift(s: number, m: number, shift: number): number {
  const q15 = mulQ15(s, m);
  const extra = shift - 15;
  return extra === 0 ? q15 : (q15 + (1 << (extra - 1))) >> extra;
}

/** atan(2^-i) in Q16 turns (65536 = one cycle), for the CORDIC below. */
const CORDIC_ATAN: Int32Array = Int32Array.from({ length: 16 }, (_, i) => Math.round((Math.atan(2 ** -i) / (2 * Math.PI)) * 65536));

/**
 * Angle of (re, im) in Q16 turns, in [−32768, 32768), by CORDIC vectoring: integer shifts and adds only.
 * Valid for |re|, |im| < 2^29 (the CORDIC gain of 1.65 then stays inside Int32); inputs are first normalised to
 * that range, so the angle is accurate to about 0.01° whatever the magnitude.
 */
export function phaseOf(re: number, im: number): number {
  let x = re | 0;
  let y = im | 0;
  let z = 0;
  if (x < 0) {
    // Rotate by 180° into the right half-plane, where vectoring converges.
    x = -x;
    y = -y;
    z = 32768;
  }
  // Normalise so the larger component is near 2^28: small vectors keep full angular resolution.
  const m = (x > (y < 0 ? -y : y) ? x : y < 0 ? -y : y) | 0;
  if (m === 0) return 0;
  const up = Math.clz32(m) - 3;
  if (up > 0) {
    x <<= up;
    y <<= up;
  }
  for (let i = 0; i < 16; i++) {
    const dx = x >> i;
    const dy = y >> i;
    if (y > 0) {
      x += dy;
      y -= dx;
      z += CORDIC_ATAN[i];
    } else {
      x -= dy;
      y += dx;
      z -= CORDIC_ATAN[i];
    }
  }
  return ((z + 32768) & 0xffff) - 32768;
}

/**
 * Goertzel single-bin DFT over blocks of `blockSize` samples, fixed point.
 *
 * Recursion s[n] = x[n] + 2cos(w)·s[n−1] − s[n−2] with 2cos(w) in Q14 and Int32 states. Since
 * |s| ≤ Σ|x| / |sin w|, the input is shifted right by `inShift` bits, chosen at construction so that
 * blockSize·32768·2^−inShift / |sin w| ≤ 2^28: the states cannot overflow for any input, and for the usual
 * telephone blocks (≤ 410 samples, 100–3900 Hz) `inShift` is 0, so a −50 dBm0 tone keeps its full resolution.
 *
 * Output scale: `process` returns the mean-square power of the component at `freqHz` in Int16 units squared, so a
 * sine of peak A gives A²/2 and `meanSquareToDbm0(power)` is its level (saturates near +6 dBm0). `ampRe`/`ampIm`
 * hold the complex amplitude (Int16 units, peak) and `re`/`im` the unscaled result, both with the phase of the tone
 * at the block's last sample; successive blocks can be compared with `phaseOf` to measure a frequency offset.
 */
export class Goertzel {
  readonly coeff: number;
  readonly inShift: number;
  private readonly cosW: number;
  private readonly sinW: number;
  private readonly ampMul: number;
  private readonly ampShift: number;
  re = 0;
  im = 0;
  ampRe = 0;
  ampIm = 0;
  power = 0;

  constructor(
    readonly freqHz: number,
    readonly blockSize: number,
    sampleRate = SAMPLE_RATE,
  ) {
    const w = (2 * Math.PI * freqHz) / sampleRate;
    const sinW = Math.abs(Math.sin(w));
    if (!(blockSize >= 8 && blockSize <= 8192)) throw new RangeError(`Goertzel block size ${blockSize} outside 8..8192`);
    if (sinW < 0.02) throw new RangeError(`Goertzel frequency ${freqHz} Hz too close to DC or Nyquist`);
    this.coeff = Math.round(2 * Math.cos(w) * 16384);
    this.inShift = Math.max(0, Math.ceil(Math.log2((blockSize * 32768) / sinW / STATE_LIMIT)));
    this.cosW = Math.round(Math.cos(w) * 32767);
    this.sinW = Math.round(Math.sin(w) * 32767);
    // |Y| ≈ A·N/2 for a sine of peak A, so the peak amplitude is Y·2^inShift·2/N.
    [this.ampMul, this.ampShift] = factorToMulShift((2 * 2 ** this.inShift) / blockSize);
  }

  /** Run one block `x[offset .. offset+blockSize)`; returns (and stores in `power`) the component's mean square. */
  process(x: Int16Array, offset = 0): number {
    const c = this.coeff;
    const sh = this.inShift;
    const end = offset + this.blockSize;
    let s1 = 0;
    let s2 = 0;
    for (let i = offset; i < end; i++) {
      const s0 = ((x[i] >> sh) + mulQ14(s1, c) - s2) | 0;
      s2 = s1;
      s1 = s0;
    }
    // Y = s1 − e^{−jw}·s2: the block's DFT rotated to the phase at its last sample.
    const re = (s1 - mulQ15(s2, this.cosW)) | 0;
    const im = mulQ15(s2, this.sinW);
    this.re = re;
    this.im = im;
    let ar = mulShift(re, this.ampMul, this.ampShift);
    let ai = mulShift(im, this.ampMul, this.ampShift);
    this.ampRe = ar;
    this.ampIm = ai;
    ar = ar > AMP_LIMIT ? AMP_LIMIT : ar < -AMP_LIMIT ? -AMP_LIMIT : ar;
    ai = ai > AMP_LIMIT ? AMP_LIMIT : ai < -AMP_LIMIT ? -AMP_LIMIT : ai;
    // (ar² + ai²)/2 with each half below 2^30, so the sum stays below 2^31.
    this.power = ((Math.imul(ar, ar) >>> 1) + (Math.imul(ai, ai) >>> 1)) | 0;
    return this.power;
  }
}

/**
 * Mean square of a block in Int16 units squared (same scale as `Goertzel.process`). Each square is shifted right by
 * ⌈log2 blockSize⌉ bits before summing, so the Int32 sum stays below 2^31; the mean is then restored by a Q14
 * multiplier. Squares below 2^shift / 2 (|x| < 8 for 160 samples) vanish, i.e. the floor is about −70 dBm0.
 */
export class MeanSquare {
  private readonly shift: number;
  private readonly mul: number;

  constructor(readonly blockSize: number) {
    if (!(blockSize >= 1 && blockSize <= 65536)) throw new RangeError(`block size ${blockSize} outside 1..65536`);
    this.shift = 32 - Math.clz32(blockSize - 1);
    this.mul = Math.round((2 ** this.shift / blockSize) * 16384);
  }

  process(x: Int16Array, offset = 0): number {
    const sh = this.shift;
    const round = sh > 0 ? 1 << (sh - 1) : 0;
    const end = offset + this.blockSize;
    let acc = 0;
    for (let i = offset; i < end; i++) acc = (acc + ((Math.imul(x[i], x[i]) + round) >>> sh)) | 0;
    // acc < 2^30·blockSize / 2^shift ≤ 2^30 + blockSize; the mean is acc·2^shift/blockSize ≤ 2^30.
    return mulQ14(acc, this.mul);
  }
}
