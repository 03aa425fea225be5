import { dbm0ToRms } from '../q15.ts';
import { GaussianNoise } from './gaussian.ts';
import type { ChannelStage } from './stage.ts';

export interface AwgnOptions {
  /** Signal-to-noise ratio in dB, both powers measured over the whole 0–4000 Hz band at 8000 Hz. */
  snrDb: number;
  /** The nominal signal level the SNR refers to (the caller's transmit level after the channel's losses). */
  signalDbm0: number;
  seed?: number;
}

/**
 * Additive white Gaussian noise over 0–4000 Hz at a power of signalDbm0 − snrDb dBm0. White at 8 kHz means the
 * whole noise power lies in the 0–4000 Hz band, so this is the SNR a receiver sees before any filtering.
 */
export class Awgn implements ChannelStage {
  private readonly noise: GaussianNoise;
  /** sigma (Int16 units) in Q(gainShift − 12); applied to Q12 z as (z·gain) >> gainShift. */
  private readonly gain: number;
  private readonly gainShift: number;
  readonly noiseDbm0: number;

  constructor(opts: AwgnOptions) {
    if (!Number.isFinite(opts.snrDb)) throw new Error(`Awgn: snrDb must be a finite number, got ${opts.snrDb}`);
    if (!Number.isFinite(opts.signalDbm0)) throw new Error(`Awgn: signalDbm0 must be a finite number, got ${opts.signalDbm0}`);
    this.noiseDbm0 = opts.signalDbm0 - opts.snrDb;
    if (this.noiseDbm0 > 10) throw new Error(`Awgn: noise level ${this.noiseDbm0} dBm0 is above full scale`);
    this.noise = new GaussianNoise(opts.seed ?? 1);
    // |z| < 2^15 in Q12, so gain < 2^16 keeps z·gain inside Int32.
    const sigma = dbm0ToRms(this.noiseDbm0);
    let frac = 16;
    while (frac > 0 && sigma * 2 ** frac >= 65535) frac--;
    this.gain = Math.round(sigma * 2 ** frac);
    this.gainShift = 12 + frac;
  }

  /** Noise at an absolute level, whatever the signal. */
  static fromNoiseLevel(noiseDbm0: number, seed?: number): Awgn {
    return new Awgn({ snrDb: -noiseDbm0, signalDbm0: 0, seed });
  }

  process(buf: Int16Array, n: number): void {
    const g = this.gain;
    const shift = this.gainShift;
    const round = 1 << (shift - 1);
    const noise = this.noise;
    for (let i = 0; i < n; i++) {
      const y = buf[i] + ((Math.imul(noise.next(), g) + round) >> shift);
      buf[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
  }

  reset(): void {
    this.noise.reset();
  }
}
