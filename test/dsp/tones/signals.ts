/** Test-only signal sources (floating point is fine here): seeded noise, speech-like babble, level helpers. */
import { FULL_SCALE_DBM0, SAMPLE_RATE } from '../../../dsp/q15.ts';
import { mulberry32 } from '../../helpers/random.ts';

/** Small seeded PRNG, uniform in [0, 1): the shared test one. */
export const makeRng = mulberry32;

/** Standard normal variates from a uniform source (Box–Muller). */
export function makeGaussian(rng: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = Math.max(rng(), 1e-300);
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** RMS in Int16 units of a signal whose total power is `dbm0` (full scale sine = +3.14 dBm0). */
export function rmsOfDbm0(dbm0: number): number {
  return (32767 / Math.SQRT2) * Math.pow(10, (dbm0 - FULL_SCALE_DBM0) / 20);
}

/** Level in dBm0 of `buf[0..n)`. */
export function levelDbm0(buf: ArrayLike<number>, n = buf.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += buf[i] * buf[i];
  return FULL_SCALE_DBM0 + 10 * Math.log10(s / n / ((32767 * 32767) / 2));
}

/** Add white Gaussian noise of total power `dbm0` to `buf` in place, with rounding and saturation. */
export function addNoise(buf: Int16Array, dbm0: number, gauss: () => number): void {
  const rms = rmsOfDbm0(dbm0);
  for (let i = 0; i < buf.length; i++) {
    const v = Math.round(buf[i] + rms * gauss());
    buf[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}

/** Two-pole resonator (float) used to shape formants. */
class Resonator {
  private y1 = 0;
  private y2 = 0;
  a1 = 0;
  a2 = 0;
  g = 0;

  tune(f: number, bw: number): void {
    const r = Math.exp((-Math.PI * bw) / SAMPLE_RATE);
    this.a1 = 2 * r * Math.cos((2 * Math.PI * f) / SAMPLE_RATE);
    this.a2 = -r * r;
    this.g = 1 - r;
  }

  step(x: number): number {
    const y = this.g * x + this.a1 * this.y1 + this.a2 * this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/**
 * Speech-like babble: a pitch-pulse train (80–260 Hz, gliding) and bursts of fricative noise, through three formant
 * resonators that move every few tens of milliseconds, with a syllabic envelope and pauses. Average level while
 * talking is about `dbm0`. Deterministic for a seed.
 */
export class SpeechLikeSource {
  private readonly rng: () => number;
  private readonly gauss: () => number;
  private readonly formants = [new Resonator(), new Resonator(), new Resonator()];
  private readonly target = [500, 1500, 2500];
  private readonly current = [500, 1500, 2500];
  private pitch = 120;
  private pitchTarget = 120;
  private pitchPhase = 0;
  private segmentLeft = 0;
  private voiced = true;
  private silent = false;
  private env = 0;
  private envTarget = 1;
  private readonly gain: number;

  constructor(seed: number, dbm0 = -18) {
    this.rng = makeRng(seed);
    this.gauss = makeGaussian(this.rng);
    this.gain = rmsOfDbm0(dbm0) * 3.2;
  }

  private newSegment(): void {
    const r = this.rng;
    this.segmentLeft = Math.floor(SAMPLE_RATE * (0.04 + 0.16 * r()));
    this.silent = r() < 0.12;
    this.voiced = r() < 0.8;
    this.target[0] = 250 + 650 * r();
    this.target[1] = 800 + 1700 * r();
    this.target[2] = 1900 + 1500 * r();
    this.pitchTarget = 80 + 180 * r();
    this.envTarget = this.silent ? 0 : 0.3 + 0.9 * r();
  }

  /** Fill `out` with rounded, saturated samples. */
  fill(out: Int16Array, n = out.length): void {
    for (let i = 0; i < n; i++) {
      if (this.segmentLeft-- <= 0) this.newSegment();
      if ((i & 31) === 0) {
        for (let k = 0; k < 3; k++) {
          this.current[k] += 0.08 * (this.target[k] - this.current[k]);
          this.formants[k].tune(this.current[k], 60 + 40 * k);
        }
        this.pitch += 0.05 * (this.pitchTarget - this.pitch);
      }
      this.env += 0.002 * (this.envTarget - this.env);
      let src: number;
      if (this.voiced) {
        this.pitchPhase += this.pitch / SAMPLE_RATE;
        src = this.pitchPhase >= 1 ? 12 : 0;
        if (this.pitchPhase >= 1) this.pitchPhase -= 1;
        src += 0.05 * this.gauss();
      } else {
        src = 0.6 * this.gauss();
      }
      let y = 0;
      for (let k = 0; k < 3; k++) y += this.formants[k].step(src) * (k === 0 ? 1 : 0.6);
      const v = Math.round(y * this.env * this.gain);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
  }
}
