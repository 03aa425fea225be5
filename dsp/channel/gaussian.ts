/**
 * Integer Gaussian noise with accurate tails, for BER measurements down to 1e-6 and below.
 *
 * One 32-bit xorshift word gives a sign (bit 31) and a 31-bit uniform v, read as the two-sided tail probability
 * p = v / 2^31 = P(|Z| > z). The magnitude z = Φ⁻¹(1 − p/2) comes from a table indexed by the octave of p (the
 * leading-zero count of v, down to p = 2^-31) and the 8 mantissa bits after the leading one, interpolated linearly
 * with the bits that remain. Every octave of the tail therefore gets 256 table points, unlike a sum of uniforms,
 * whose tails are wrong beyond 3σ.
 */

/** z is returned in Q12: 4096 is one standard deviation. */
export const GAUSSIAN_ONE = 4096;

const OCTAVES = 31; // v has 31 bits: leading-zero counts 0..30 (v = 0 is handled apart)
const STEPS = 256; // 8 mantissa bits
const ROW = STEPS + 1; // both edges of every step, for interpolation

/** erfc(x) for x ≥ 0, relative error < 1.2e-7 (Chebyshev fit). Construction time only. */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/** |z| with P(|Z| > |z|) = p, by bisection on erfc. Construction time only. */
export function twoSidedTailInverse(p: number): number {
  if (p >= 1) return 0;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (erfc(mid / Math.SQRT2) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** TABLE[e·257 + m] = |z| in Q12 at p = 2^-(e+1)·(1 + m/256). */
const TABLE: Int32Array = (() => {
  const t = new Int32Array(OCTAVES * ROW);
  for (let e = 0; e < OCTAVES; e++) {
    for (let m = 0; m <= STEPS; m++) {
      t[e * ROW + m] = Math.round(GAUSSIAN_ONE * twoSidedTailInverse(2 ** -(e + 1) * (1 + m / STEPS)));
    }
  }
  return t;
})();
/** |z| for v = 0, i.e. p < 2^-31: the value at p = 2^-32. */
const DEEPEST = Math.round(GAUSSIAN_ONE * twoSidedTailInverse(2 ** -32));

/** Signed z in Q12 for one 32-bit uniform word (exposed so tests can check the mapping against its definition). */
export function gaussianFromWord(word: number): number {
  const v = word & 0x7fffffff;
  let mag: number;
  if (v === 0) {
    mag = DEEPEST;
  } else {
    const e = Math.clz32(v) - 1; // octave: p in [2^-(e+1), 2^-e)
    const top = 30 - e; // position of the leading one
    let m: number;
    let fracBits = 0;
    let frac = 0;
    if (top >= 8) {
      fracBits = top - 8;
      m = (v >>> fracBits) & 0xff;
      frac = v & ((1 << fracBits) - 1);
    } else {
      m = (v << (8 - top)) & 0xff;
    }
    const i = e * ROW + m;
    const a = TABLE[i];
    mag = fracBits === 0 ? a : a + ((Math.imul(TABLE[i + 1] - a, frac) + (1 << (fracBits - 1))) >> fracBits);
  }
  return word < 0 || word >= 0x80000000 ? -mag : mag;
}

/** Seedable Gaussian generator: `next()` is an integer z·4096 with z ~ N(0, 1). */
export class GaussianNoise {
  private state: number;
  private readonly seed: number;

  constructor(seed = 1) {
    this.seed = seed;
    this.state = GaussianNoise.initialState(seed);
  }

  private static initialState(seed: number): number {
    // Spread small seeds over the state; xorshift32 must not start at 0.
    const s = Math.imul((seed | 0) ^ 0x5bd1e995, 0x9e3779b1) ^ 0x2545f491;
    return s === 0 ? 0x6d2b79f5 : s;
  }

  /** Next 32-bit uniform word (xorshift32, period 2^32 − 1). */
  nextWord(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x;
  }

  /** Next Gaussian sample, Q12. */
  next(): number {
    return gaussianFromWord(this.nextWord());
  }

  reset(): void {
    this.state = GaussianNoise.initialState(this.seed);
  }
}
