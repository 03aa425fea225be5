import { ComplexMixer, HilbertTransformer } from '../filters/hilbert.ts';
import type { ChannelStage } from './stage.ts';

/** Hilbert taps: 31 samples (3.9 ms) of delay; image below −30 dB from about 300 Hz to 3700 Hz. */
export const FREQUENCY_OFFSET_TAPS = 63;
/** Samples handled per inner pass; longer calls are cut into blocks of this size. */
const BLOCK = 256;

/**
 * Frequency offset of an FDM carrier system (analogue trunks, ITU-T G.151 allows a few Hz): every component moves
 * by `hz`, y = Re{(x + jH{x})·e^{j2π·hz·t}}, rather than the mirror-image pair a real mixer would make.
 */
export class FrequencyOffset implements ChannelStage {
  private readonly hilbert = new HilbertTransformer(FREQUENCY_OFFSET_TAPS, 'hamming');
  private readonly mixer: ComplexMixer;
  private readonly iq = new Int32Array(2 * BLOCK);
  readonly delaySamples = (FREQUENCY_OFFSET_TAPS - 1) / 2;

  constructor(readonly hz: number) {
    if (!Number.isFinite(hz) || Math.abs(hz) > 100) throw new Error(`FrequencyOffset: hz must be within ±100, got ${hz}`);
    this.mixer = new ComplexMixer(hz);
  }

  process(buf: Int16Array, n: number): void {
    for (let from = 0; from < n; from += BLOCK) {
      const m = Math.min(BLOCK, n - from);
      this.hilbert.process(buf, this.iq, m, from);
      this.mixer.rotateToReal(this.iq, buf, m, from);
    }
  }

  reset(): void {
    this.hilbert.reset();
    this.mixer.reset();
  }
}
