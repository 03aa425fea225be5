import { designBandpass } from '../filters/fir-design.ts';
import { FirFilter } from '../filters/fir.ts';
import { SAMPLE_RATE } from '../q15.ts';
import type { ChannelStage } from './stage.ts';

/** Taps of the band-pass: 64 samples (8 ms) of delay, steep enough for 20 dB within 100 Hz of the band edge. */
export const BAND_LIMIT_TAPS = 129;

/**
 * The voice band of a telephone channel (ITU-T G.712: 300–3400 Hz), as a linear-phase FIR band-pass.
 * The design edges sit just outside the nominal band so that lowHz and highHz are within about 2.5 dB of the
 * passband, and 100 Hz below lowHz / 300 Hz above highHz are at least 20 dB down.
 */
export class BandLimit implements ChannelStage {
  private readonly fir: FirFilter;
  readonly design: Float64Array;
  readonly delaySamples = (BAND_LIMIT_TAPS - 1) / 2;

  constructor(
    readonly lowHz = 300,
    readonly highHz = 3400,
  ) {
    if (!(lowHz >= 50 && highHz <= 3900 && highHz - lowHz >= 500)) {
      throw new Error(`BandLimit: need 50 ≤ lowHz, highHz ≤ 3900 and a band of 500 Hz or more, got ${lowHz}–${highHz}`);
    }
    this.design = designBandpass(BAND_LIMIT_TAPS, lowHz - 30, highHz + 80, SAMPLE_RATE, 'hamming');
    this.fir = new FirFilter(this.design);
  }

  process(buf: Int16Array, n: number): void {
    this.fir.process(buf, buf, n);
  }

  reset(): void {
    this.fir.reset();
  }
}
