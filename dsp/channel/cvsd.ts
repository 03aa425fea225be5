import { Resampler } from '../filters/resampler.ts';
import type { ChannelStage } from './stage.ts';

/**
 * CVSD, the 64 kbit/s delta modulation of Bluetooth SCO on narrowband HFP, as the Bluetooth Core Specification
 * defines it (Vol 2, Part B, §9.2 "CVSD codec", Figures 9.2/9.3 and Table 9.2): one bit per 64 kHz sample, an
 * accumulator that leaks by h, and a step size with syllabic companding that grows by δmin while the last J of K
 * bits are all equal and otherwise decays by β, between δmin and δmax.
 *
 *   b(k) = sgn(x(k) − x̂(k−1))                   (the bit sent: 1 for +1)
 *   α(k) = 1 when b(k) … b(k−J+1) are all equal, else 0   (J = K = 4)
 *   δ(k) = min(δ(k−1) + δmin, δmax) if α = 1;  max(β·δ(k−1), δmin) if α = 0
 *   ŷ(k) = x̂(k−1) + b(k)·δ(k);   y(k) = ŷ(k) clipped to [ymin, ymax]
 *   x̂(k) = h·y(k)
 *
 * Fixed point: x̂ and δ are held in Int32 with CVSD_FRACTION_BITS fraction bits below the 16-bit sample scale, so that
 * β = 1 − 1/1024 still decays a step of δmin = 10 (in whole units it would stay at 10 forever, 10 >> 10 = 0).
 */

/** Table 9.2: accumulator decay h = 1 − 1/32. */
export const CVSD_H = 1 - 1 / 32;
/** Table 9.2: step decay β = 1 − 1/1024. */
export const CVSD_BETA = 1 - 1 / 1024;
/** Table 9.2: J = 4 equal bits out of the last K = 4 raise the step. */
export const CVSD_J = 4;
export const CVSD_K = 4;
/** Table 9.2: δmin = 10, δmax = 1280 (16-bit sample units). */
export const CVSD_DELTA_MIN = 10;
export const CVSD_DELTA_MAX = 1280;
/** Table 9.2: ymax = 2^15 − 1, ymin = −2^15 (the table allows −2^15 or −2^15 + 1). */
export const CVSD_Y_MAX = 32767;
export const CVSD_Y_MIN = -32768;
/** §9.2: CVSD runs at 64 kHz, eight bits per sample of the 8 kHz voice path. */
export const CVSD_RATE = 64000;
export const CVSD_OVERSAMPLING = 8;

/** Fraction bits of the accumulator and step below the 16-bit scale; 2^15·2^10·31 < 2^31 keeps h·y in Int32. */
export const CVSD_FRACTION_BITS = 10;
const ONE = 1 << CVSD_FRACTION_BITS;
const D_MIN = CVSD_DELTA_MIN * ONE;
const D_MAX = CVSD_DELTA_MAX * ONE;
const Y_MAX = CVSD_Y_MAX * ONE;
const Y_MIN = CVSD_Y_MIN * ONE;
/** The J-bit run mask over the bit history (bit 0 newest). */
const RUN_MASK = (1 << CVSD_J) - 1;

/**
 * The state both ends of a CVSD link keep: accumulator, step and bit history. The encoder runs it on the bits it
 * sends, the decoder on the bits it receives; they stay in step while no bit is lost.
 */
export class CvsdState {
  /** x̂ in Q(CVSD_FRACTION_BITS) of 16-bit units. */
  accumulator = 0;
  /** δ in Q(CVSD_FRACTION_BITS) of 16-bit units. */
  step = D_MIN;
  /** The last bits, newest in bit 0 (1 = +1). Starts alternating: no run before the first bits. */
  history = 0b1010;

  /** Takes bit b(k) and returns x̂(k) rounded to 16-bit units. */
  update(bit: number): number {
    const hist = ((this.history << 1) | bit) & RUN_MASK;
    this.history = hist;
    let d = this.step;
    if (hist === 0 || hist === RUN_MASK) {
      d += D_MIN;
      if (d > D_MAX) d = D_MAX;
    } else {
      d = (Math.imul(d, 1023) + 512) >> 10; // β·δ, β = 1023/1024
      if (d < D_MIN) d = D_MIN;
    }
    this.step = d;
    let y = bit ? this.accumulator + d : this.accumulator - d;
    if (y > Y_MAX) y = Y_MAX;
    else if (y < Y_MIN) y = Y_MIN;
    this.accumulator = (Math.imul(y, 31) + 16) >> 5; // h·y, h = 31/32
    return (this.accumulator + (ONE >> 1)) >> CVSD_FRACTION_BITS;
  }

  /** x̂(k−1) rounded to 16-bit units: what the encoder compares the next input against. */
  estimate(): number {
    return (this.accumulator + (ONE >> 1)) >> CVSD_FRACTION_BITS;
  }

  reset(): void {
    this.accumulator = 0;
    this.step = D_MIN;
    this.history = 0b1010;
  }
}

/** Encoder: one 64 kHz sample in, one bit out. */
export class CvsdEncoder {
  readonly state = new CvsdState();

  encode(sample: number): number {
    // sgn(x(k) − x̂(k−1)), compared at full precision; x = x̂ counts as +1.
    const bit = sample * ONE >= this.state.accumulator ? 1 : 0;
    this.state.update(bit);
    return bit;
  }

  reset(): void {
    this.state.reset();
  }
}

/** Decoder: one bit in, one 64 kHz sample out. */
export class CvsdDecoder {
  readonly state = new CvsdState();

  decode(bit: number): number {
    return this.state.update(bit & 1);
  }

  reset(): void {
    this.state.reset();
  }
}

/** Samples per block of the round trip's working buffers (one engine frame); longer calls are cut into blocks. */
const BLOCK = 160;

/**
 * A Bluetooth SCO hop with CVSD as a channel stage: 8 kHz up-sampled by 8 (polyphase Kaiser low-pass), encoded to
 * the 64 kbit/s bit stream, decoded, and low-passed and decimated back to 8 kHz. No bit errors on the air here:
 * the quantisation, slope overload and granular noise of the delta modulation are the whole effect.
 */
export class CvsdRoundTrip implements ChannelStage {
  private readonly up = new Resampler(8000, CVSD_RATE, { lowRateTaps: 24 });
  private readonly down = new Resampler(CVSD_RATE, 8000, { lowRateTaps: 24 });
  private readonly encoder = new CvsdEncoder();
  private readonly decoder = new CvsdDecoder();
  private readonly block = new Int16Array(BLOCK);
  private readonly wide: Int16Array;
  private readonly narrow: Int16Array;

  constructor() {
    this.wide = new Int16Array(this.up.maxOutput(BLOCK));
    this.narrow = new Int16Array(this.down.maxOutput(this.wide.length));
  }

  /** Group delay of the two resampling filters, in 8 kHz samples. */
  get delaySamples(): number {
    return this.up.delayOut / CVSD_OVERSAMPLING + this.down.delayOut;
  }

  process(buf: Int16Array, n: number): void {
    for (let at = 0; at < n; at += BLOCK) {
      const len = n - at < BLOCK ? n - at : BLOCK;
      const block = this.block;
      for (let i = 0; i < len; i++) block[i] = buf[at + i];
      const m = this.up.process(block, len, this.wide);
      const wide = this.wide;
      for (let i = 0; i < m; i++) wide[i] = this.decoder.decode(this.encoder.encode(wide[i]));
      // 8·len wide samples give exactly len narrow ones (one output per eight inputs, from the first).
      const k = this.down.process(wide, m, this.narrow);
      for (let i = 0; i < k && i < len; i++) buf[at + i] = this.narrow[i];
    }
  }

  reset(): void {
    this.up.reset();
    this.down.reset();
    this.encoder.reset();
    this.decoder.reset();
  }
}
