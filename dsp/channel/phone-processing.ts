import { dbm0ToPeak, dbm0ToRms } from '../q15.ts';
import type { ChannelStage } from './stage.ts';

/**
 * What a mobile phone does to the uplink audio before its speech codec, as far as it can honestly be modelled
 * without the phone's own (undisclosed) algorithms: a slow automatic gain control, hard clipping at full scale, and
 * a noise suppressor. The suppressor is a STAND-IN for the spectral subtraction real phones run: one broadband gain
 * per 10 ms block from a spectral-subtraction rule on the block's power against a tracked noise floor, not a
 * per-frequency-bin suppressor. What it keeps of the real thing is what matters to a modem: a steady carrier looks
 * like stationary noise, so the floor estimate climbs up to it within seconds and the carrier is turned down.
 * HFP's AT+NREC=0 asks the phone to switch echo cancelling and noise reduction off; when the phone accepted it,
 * the suppressor is left out.
 *
 * All three work in 10 ms blocks (80 samples): levels are measured per block in integers, gains change per block
 * and are applied per sample as Q15/Q12 multiplies.
 */

/** Block of level measurement and gain update: 10 ms. */
export const PHONE_BLOCK = 80;

export interface PhoneAgcOptions {
  /** Level the AGC steers to (dBm0 of a sine's mean absolute value); default −16 dBm0, a speech-like level. */
  targetDbm0?: number;
  /** Largest gain and loss it applies, dB; default ±12. */
  rangeDb?: number;
  /** Slew rate of the gain, dB per second; default 2 (slow: syllables pass, the level of a call is adjusted). */
  slewDbPerSecond?: number;
}

/** Mean |x| of a sine at `dbm0`: 2/π of its peak. */
function meanAbsOf(dbm0: number): number {
  return (2 / Math.PI) * dbm0ToPeak(dbm0);
}

/**
 * Slow AGC: each block's mean |x| against a ±1 dB window around the target; the gain steps up or down by a fixed
 * ratio per block (the slew rate), within ±rangeDb, and holds below −50 dBm0 so that silence is not amplified.
 * Output saturates at full scale: the hard clip of the phone's fixed-point audio path.
 */
export class PhoneAgc implements ChannelStage {
  /** Gain in Q12 (4096 = 0 dB). */
  gain = 4096;
  private readonly up: number; // Q15 step ratios (up > 1: Q14)
  private readonly down: number;
  private readonly minGain: number;
  private readonly maxGain: number;
  private readonly high: number; // block sums of |x|
  private readonly low: number;
  private readonly silence: number;
  private sum = 0;
  private count = 0;

  constructor(readonly opts: PhoneAgcOptions = {}) {
    const target = opts.targetDbm0 ?? -16;
    const range = opts.rangeDb ?? 12;
    const slew = opts.slewDbPerSecond ?? 2;
    if (!(target >= -40 && target <= 0)) throw new Error(`PhoneAgc: targetDbm0 must be from −40 to 0, got ${target}`);
    if (!(range >= 0 && range <= 24)) throw new Error(`PhoneAgc: rangeDb must be from 0 to 24, got ${range}`);
    if (!(slew > 0 && slew <= 100)) throw new Error(`PhoneAgc: slewDbPerSecond must be above 0 and at most 100, got ${slew}`);
    const stepDb = (slew * PHONE_BLOCK) / 8000;
    this.up = Math.round(10 ** (stepDb / 20) * 16384);
    this.down = Math.round(10 ** (-stepDb / 20) * 32768);
    this.minGain = Math.round(4096 * 10 ** (-range / 20));
    this.maxGain = Math.round(4096 * 10 ** (range / 20));
    this.high = Math.round(meanAbsOf(target + 1) * PHONE_BLOCK);
    this.low = Math.round(meanAbsOf(target - 1) * PHONE_BLOCK);
    this.silence = Math.round(meanAbsOf(-50) * PHONE_BLOCK);
  }

  process(buf: Int16Array, n: number): void {
    for (let i = 0; i < n; i++) {
      const x = buf[i];
      this.sum += x < 0 ? -x : x;
      const y = (Math.imul(x, this.gain) + 2048) >> 12;
      buf[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
      if (++this.count === PHONE_BLOCK) this.adapt();
    }
  }

  /** Once per block, on the level the AGC sees at its input times its gain. */
  private adapt(): void {
    const level = Math.floor((this.sum * this.gain) / 4096); // up to 2^35: integer-valued, once per block
    if (level > this.high) this.gain = Math.max(this.minGain, (Math.imul(this.gain, this.down) + 16384) >> 15);
    else if (level < this.low && this.sum > this.silence) this.gain = Math.min(this.maxGain, (Math.imul(this.gain, this.up) + 8192) >> 14);
    this.sum = 0;
    this.count = 0;
  }

  reset(): void {
    this.gain = 4096;
    this.sum = 0;
    this.count = 0;
  }
}

/** Hard clipping at ±`level` (default full scale): a phone's audio path driven past its range. */
export class HardClip implements ChannelStage {
  readonly level: number;

  constructor(clipDbm0 = 3.14) {
    if (!(clipDbm0 >= -20 && clipDbm0 <= 3.14)) throw new Error(`HardClip: clipDbm0 must be from −20 to 3.14, got ${clipDbm0}`);
    this.level = Math.min(32767, Math.round(dbm0ToPeak(clipDbm0)));
  }

  process(buf: Int16Array, n: number): void {
    const hi = this.level;
    const lo = -hi;
    for (let i = 0; i < n; i++) buf[i] = buf[i] > hi ? hi : buf[i] < lo ? lo : buf[i];
  }
}

export interface NoiseSuppressorOptions {
  /** Largest attenuation, dB; default 12 (phones' suppressors typically stop at 10–15 dB). */
  maxAttenuationDb?: number;
  /** How fast the noise floor estimate may rise, dB per second; default 6. It falls at once to a quieter block. */
  floorRiseDbPerSecond?: number;
}

/**
 * The noise suppressor stand-in (see the file comment). Per block: power P (Σx²/4), floor N follows P
 * down at once and up by at most the rise rate; gain g = max(1 − N/P, gmin), the power-subtraction rule, smoothed
 * by a quarter per block and applied to the next block.
 */
export class NoiseSuppressor implements ChannelStage {
  /** Gain in Q15. */
  gain = 32767;
  /** Noise floor estimate, block power units (Σx²/4 over the block). */
  floor: number;
  private readonly minGain: number;
  private readonly rise: number; // Q15 ratio > 1, as Q14
  private readonly floorMin: number;
  private power = 0;
  private count = 0;

  constructor(readonly opts: NoiseSuppressorOptions = {}) {
    const maxAtt = opts.maxAttenuationDb ?? 12;
    const riseDb = opts.floorRiseDbPerSecond ?? 6;
    if (!(maxAtt >= 0 && maxAtt <= 40)) throw new Error(`NoiseSuppressor: maxAttenuationDb must be from 0 to 40, got ${maxAtt}`);
    if (!(riseDb > 0 && riseDb <= 60)) throw new Error(`NoiseSuppressor: floorRiseDbPerSecond must be above 0 and at most 60, got ${riseDb}`);
    this.minGain = Math.round(32767 * 10 ** (-maxAtt / 20));
    this.rise = Math.round(10 ** ((riseDb * PHONE_BLOCK) / 8000 / 10) * 16384);
    // The floor starts (and never goes below) a −70 dBm0 idle channel.
    this.floorMin = Math.round((dbm0ToRms(-70) ** 2 * PHONE_BLOCK) / 4);
    this.floor = this.floorMin;
  }

  process(buf: Int16Array, n: number): void {
    for (let i = 0; i < n; i++) {
      const x = buf[i];
      this.power += (x * x) >> 2; // ≤ 2^28 a sample, 80 of them < 2^35: integer-valued, exact
      buf[i] = (Math.imul(x, this.gain) + 16384) >> 15;
      if (++this.count === PHONE_BLOCK) this.adapt();
    }
  }

  private adapt(): void {
    const p = this.power;
    let f = this.floor;
    if (p < f) f = p;
    else f = Math.round((f * this.rise) / 16384); // integer-valued, per block only; f ≥ floorMin ≈ 520 keeps it fine
    if (f < this.floorMin) f = this.floorMin;
    this.floor = f;
    // 1 − N/P in Q15 (integer division, once per block).
    let target = p > f ? Math.floor(((p - f) * 32767) / p) : 0;
    if (target < this.minGain) target = this.minGain;
    this.gain += (target - this.gain) >> 2;
    this.power = 0;
    this.count = 0;
  }

  reset(): void {
    this.gain = 32767;
    this.floor = this.floorMin;
    this.power = 0;
    this.count = 0;
  }
}

export interface PhoneProcessingOptions {
  /** True when the phone accepted AT+NREC=0: no noise suppressor. Default false. */
  nrecOff?: boolean;
  agc?: PhoneAgcOptions | false;
  noiseSuppressor?: NoiseSuppressorOptions;
  /** Clip level in dBm0; default full scale (+3.14 dBm0). */
  clipDbm0?: number;
}

/** The phone's uplink processing in its usual order: noise suppressor (unless NREC is off), AGC, clip. */
export class PhoneProcessing implements ChannelStage {
  readonly stages: ChannelStage[] = [];

  constructor(readonly opts: PhoneProcessingOptions = {}) {
    if (!opts.nrecOff) this.stages.push(new NoiseSuppressor(opts.noiseSuppressor));
    if (opts.agc !== false) this.stages.push(new PhoneAgc(opts.agc ?? {}));
    this.stages.push(new HardClip(opts.clipDbm0));
  }

  process(buf: Int16Array, n: number): void {
    for (const s of this.stages) s.process(buf, n);
  }

  reset(): void {
    for (const s of this.stages) s.reset?.();
  }
}
