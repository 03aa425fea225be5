import { FRAME_SAMPLES, FULL_SCALE_DBM0, SAMPLE_RATE } from '../q15.ts';

/** Gain and levels are kept as log2 of an amplitude in Q8 (256 = 6.02 dB), so the loop is adds and shifts. */
const LOG_ONE = 256;
/** log2(1 + i/64) in Q8, for the fractional part of a logarithm. */
const LOG2_FRAC: Int32Array = Int32Array.from({ length: 65 }, (_, i) => Math.round(Math.log2(1 + i / 64) * LOG_ONE));
/** 2^(i/256) in Q14, for turning a Q8 log back into a linear gain. */
const POW2_FRAC: Int32Array = Int32Array.from({ length: 256 }, (_, i) => Math.round(2 ** (i / 256) * 16384));
/** Linear gain is Q10 with at most 65535 (+36.1 dB): |x|·g ≤ 32768·65535 < 2^31. */
const GAIN_FRAC_BITS = 10;
const MAX_GAIN_LOG = Math.floor(Math.log2(65535 / 1024) * LOG_ONE);

/** log2(v) in Q8 for 0 < v < 2^31, integer only (leading-zero count plus a 64-entry table). */
export function log2Q8(v: number): number {
  const e = 31 - Math.clz32(v);
  // Top 7 bits of the mantissa: 1.xxxxxx → table index 0..63.
  const idx = e >= 6 ? (v >>> (e - 6)) & 63 : (v << (6 - e)) & 63;
  return e * LOG_ONE + LOG2_FRAC[idx];
}

export interface AgcOptions {
  /** Time constant when the level rises (gain falls), ms. */
  attackMs?: number;
  /** Time constant when the level falls (gain rises), ms. */
  decayMs?: number;
  /** Samples per gain update (≤ 256), default one 20 ms frame. */
  blockSize?: number;
  /** Lowest and highest gain in dB; the default covers −48..−9 dBm0 inputs for targets from −13 to −9 dBm0. */
  minGainDb?: number;
  maxGainDb?: number;
  /** Below this input level the gain is held (silence or line noise must not pump it up). */
  holdBelowDbm0?: number;
  /** Starting gain in dB. */
  initialGainDb?: number;
}

/**
 * Automatic gain control for the receive path. Per sample: y = sat16((x·g + 2^9) >> 10) with g the Q10 linear gain.
 * Per block: the block's mean square (squares shifted right 8 bits; with ≤ 256 samples the Int32 sum stays below
 * 2^30) becomes a Q8 log2 level by a leading-zero count and a table; the log-domain error to the target moves the
 * gain by a fixed fraction (attack or decay), clamped to [minGainDb, maxGainDb]; a table turns it back into Q10.
 */
export class Agc {
  readonly blockSize: number;
  /** Current gain, Q8 log2 of the amplitude gain. */
  gainLog: number;
  /** Current linear gain, Q10. */
  gain = 1 << GAIN_FRAC_BITS;
  private readonly targetLog: number;
  private readonly attack: number;
  private readonly decay: number;
  private readonly minLog: number;
  private readonly maxLog: number;
  private readonly holdLog: number;
  private acc = 0;
  private count = 0;

  constructor(
    readonly targetDbm0: number,
    opts: AgcOptions = {},
  ) {
    const blockSize = opts.blockSize ?? FRAME_SAMPLES;
    if (!(blockSize >= 16 && blockSize <= 256)) throw new RangeError(`AGC block size ${blockSize} outside 16..256`);
    this.blockSize = blockSize;
    const dbToLog = (db: number): number => Math.round((db / (20 * Math.log10(2))) * LOG_ONE);
    // Mean square of a signal at L dBm0 is (32767²/2)·10^((L − 3.14)/10); its log2 amplitude (Q8) is half the log2
    // of the mean square. Levels are compared as log2(acc) where acc = Σ(x² >> 8) = ms·blockSize/256.
    const msLog = (dbm0: number): number =>
      Math.round((Math.log2(((32767 * 32767) / 2) * 10 ** ((dbm0 - FULL_SCALE_DBM0) / 10)) + Math.log2(blockSize / 256)) * LOG_ONE);
    this.targetLog = msLog(targetDbm0);
    this.holdLog = msLog(opts.holdBelowDbm0 ?? -55);
    const blockMs = (blockSize / SAMPLE_RATE) * 1000;
    // Fraction of the log error removed per block, Q8: 1 − exp(−T/τ).
    this.attack = Math.max(1, Math.round((1 - Math.exp(-blockMs / (opts.attackMs ?? 20))) * 256));
    this.decay = Math.max(1, Math.round((1 - Math.exp(-blockMs / (opts.decayMs ?? 200))) * 256));
    this.minLog = dbToLog(opts.minGainDb ?? -12);
    this.maxLog = Math.min(MAX_GAIN_LOG, dbToLog(opts.maxGainDb ?? 36));
    this.gainLog = Math.min(this.maxLog, Math.max(this.minLog, dbToLog(opts.initialGainDb ?? 0)));
    this.updateLinear();
  }

  /** Current gain in dB (reporting only). */
  get gainDb(): number {
    return (this.gainLog / LOG_ONE) * 20 * Math.log10(2);
  }

  private updateLinear(): void {
    const g = this.gainLog;
    const whole = g >> 8; // floor
    const frac = POW2_FRAC[g & 255]; // Q14
    const sh = 14 - GAIN_FRAC_BITS - whole;
    const lin = sh >= 0 ? (frac + ((1 << sh) >> 1)) >> sh : frac << -sh;
    this.gain = lin > 65535 ? 65535 : lin;
  }

  private updateGain(): void {
    if (this.acc <= 0) return;
    // Level in log2 of the mean square (Q8); the amplitude error is half the difference.
    const levelLog = log2Q8(this.acc);
    if (levelLog < this.holdLog) return;
    const errLog = (this.targetLog - levelLog - 2 * this.gainLog) >> 1; // floor of the half
    const rate = errLog < 0 ? this.attack : this.decay;
    let g = this.gainLog + ((Math.imul(errLog, rate) + 128) >> 8);
    g = g < this.minLog ? this.minLog : g > this.maxLog ? this.maxLog : g;
    this.gainLog = g;
    this.updateLinear();
  }

  /** Scale `n` samples from `input` into `output` (may be the same array), updating the gain every block. */
  process(input: Int16Array, output: Int16Array, n: number): void {
    let acc = this.acc;
    let count = this.count;
    let g = this.gain;
    for (let i = 0; i < n; i++) {
      const x = input[i];
      acc = (acc + (Math.imul(x, x) >>> 8)) | 0;
      const y = (Math.imul(x, g) + 512) >> GAIN_FRAC_BITS;
      output[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
      if (++count === this.blockSize) {
        this.acc = acc;
        this.updateGain();
        g = this.gain;
        acc = 0;
        count = 0;
      }
    }
    this.acc = acc;
    this.count = count;
  }

  /** One sample through the gain, as process() takes it: for callers that have one value at a time (no array). */
  scale(x: number): number {
    this.acc = (this.acc + (Math.imul(x, x) >>> 8)) | 0;
    const y = (Math.imul(x, this.gain) + 512) >> GAIN_FRAC_BITS;
    if (++this.count === this.blockSize) {
      this.updateGain();
      this.acc = 0;
      this.count = 0;
    }
    return y > 32767 ? 32767 : y < -32768 ? -32768 : y;
  }

  reset(gainDb = 0): void {
    this.acc = 0;
    this.count = 0;
    this.gainLog = Math.min(this.maxLog, Math.max(this.minLog, Math.round((gainDb / (20 * Math.log10(2))) * LOG_ONE)));
    this.updateLinear();
  }
}
