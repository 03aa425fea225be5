import { dbm0ToPeak, SAMPLE_RATE } from '../q15.ts';
import { phaseStep, SINE_TABLE } from '../nco.ts';
import type { ReceiverTap } from '../tap.ts';
import type { BitDecider } from '../uart/bit-source.ts';
import { SequenceDetector } from './sequence-detector.ts';
import type { FskChannel } from './specs.ts';

export interface FskDemodulatorOptions {
  /** Received line signal detector: on above, off below (dBm0). */
  carrierOnDbm0?: number;
  carrierOffDbm0?: number;
  /** Largest block passed to process(); sizes the decision buffer. */
  maxBlock?: number;
  /** Consecutive blocks below the off threshold before carrier detect drops (default 2). */
  carrierOffBlocks?: number;
  /** Where the noise floor is measured (Hz): a frequency outside both channels of the modem. */
  guardHz?: number;
  /** Samples by which the caller delays the decisions before a bit clock reads them (the pump holds two frames). */
  delay?: number;
}

const PRODUCT_SHIFT = 6; // x·cos ≤ 2^30 → ≤ 2^24, so a sum over ≤ 128 samples stays below 2^31
const CD_EVERY = 8; // carrier energy snapshot every 8 samples
const CD_FRAMES = 2; // consecutive 20 ms frames above (below) threshold to switch on (off)
const GUARD_SHIFT = 8; // guard products ≤ 2^22, so a block of ≤ 512 samples stays below 2^31
const GUARD_RATIO = 4; // in-channel energy must stand 6 dB above the white-noise floor seen in the guard band
/** A frequency in the 300–3400 Hz band that no FSK channel uses: the noise floor is measured there. */
const DEFAULT_GUARD_HZ = 2950;
/** Guard measurements (one per block at first) averaged before the floor is trusted: one block's is too noisy. */
const GUARD_WARMUP = 8;
const GUARD_PARTS = 4;

/**
 * Non-coherent binary FSK demodulator: two quadrature correlators (mark and space), each a sliding sum over one
 * bit period of the input mixed down by its tone, compared by energy. This is the matched-filter receiver whose
 * error rate is ½·exp(−Eb/2N0) for orthogonal tones. Output: one hard decision per sample (1 = mark), for an async
 * deframer or a synchronous bit clock. Carrier detect measures the stronger correlator's energy against thresholds
 * with hysteresis, so it only hears energy within the channel.
 *
 * The correlators are kept as running (wrapping Int32) sums in a ring long enough for three bits behind the
 * oldest decision a bit clock may still read, so that the clock can ask for a three-bit sequence decision at its
 * sampling point (decideBit, see sequence-detector.ts): far better than the one-bit energy comparison.
 */
export class FskDemodulator implements BitDecider {
  readonly decisions: Uint8Array;
  /** The panel's view: mark and space channel energies at the carrier-detect snapshots; null when no one watches. */
  tap: ReceiverTap | null = null;
  readonly window: number; // samples per correlation window (one bit)
  carrier = false;
  private readonly markStep: number;
  private readonly spaceStep: number;
  private pm = 0;
  private ps = 0;
  private readonly sums: Int32Array; // running sums, 4 interleaved: mark I, mark Q, space I, space Q
  private readonly mask: number; // ring length − 1 (a power of two)
  /** Samples taken since construction (wrapping Int32): the index the next sample will have. */
  samples = 0;
  private cIm = 0;
  private cQm = 0;
  private cIs = 0;
  private cQs = 0;
  private readonly detector: SequenceDetector;
  /** Whether decideBit is worth asking: a three-bit sequence stays coherent under ±10 Hz offset at 300 bit/s up. */
  readonly sequenceDetection: boolean;
  private readonly cdShift: number;
  /** 2^(2·cdShift), exact: from carrier-detect units back to squared sums (channelToNoise, once a block). */
  private readonly cdScale: number;
  private readonly cdOn: number;
  private readonly cdOff: number;
  private cdAcc = 0;
  private cdCount = 0;
  private cdRun = 0;
  private lastEnergy = 0;
  private phaseTick = 0;
  private readonly cdOffBlocks: number;
  private onLevel = 0; // mean block energy while the carrier is on
  private readonly guardStep: number;
  private pg = 0;
  private gPower = 0; // guard-band bin power over the current block's quarters ((products >> GUARD_SHIFT)²)
  private gCount = 0;
  private blockIndex = 0;
  private guardMeasurements = 0;
  private noiseFloor = -1; // smoothed guard-band power per sample, in the channel's units

  constructor(
    readonly channel: FskChannel,
    opts: FskDemodulatorOptions = {},
  ) {
    this.window = Math.round(SAMPLE_RATE / channel.baud);
    if (this.window > 128) throw new Error(`FSK window of ${this.window} samples exceeds the accumulator headroom`);
    this.markStep = phaseStep(channel.markHz);
    this.spaceStep = phaseStep(channel.spaceHz);
    // Blocks of up to 512 samples keep the guard-band sums below 2^31.
    this.decisions = new Uint8Array(Math.min(opts.maxBlock ?? 512, 512));
    const span = this.decisions.length + (opts.delay ?? 0) + 3 * Math.ceil(SAMPLE_RATE / channel.baud) + 4;
    const len = 2 ** Math.ceil(Math.log2(Math.max(span, this.window + 1)));
    this.mask = len - 1;
    this.sums = new Int32Array(4 * len);
    this.detector = new SequenceDetector(this.sums, this.mask, this.markStep - this.spaceStep);
    this.sequenceDetection = channel.baud >= 300;
    // Fixed scale for carrier energy: the largest possible sum shifted to ≤ 2^14, so I²+Q² < 2^31.
    const maxSum = this.window * 2 ** (30 - PRODUCT_SHIFT);
    this.cdShift = Math.max(0, Math.ceil(Math.log2(maxSum)) - 14);
    this.cdScale = 2 ** (2 * this.cdShift);
    this.cdOn = this.energyOfTone(opts.carrierOnDbm0 ?? -45);
    this.cdOff = this.energyOfTone(opts.carrierOffDbm0 ?? -47.5);
    this.cdOffBlocks = opts.carrierOffBlocks ?? CD_FRAMES;
    this.guardStep = phaseStep(opts.guardHz ?? DEFAULT_GUARD_HZ);
  }

  /** Correlator energy (in carrier-detect units) of a steady tone at `dbm0` on one of the channel's frequencies. */
  private energyOfTone(dbm0: number): number {
    const sum = (this.window * dbm0ToPeak(dbm0) * 32768) / 2 / 2 ** PRODUCT_SHIFT;
    const v = sum / 2 ** this.cdShift;
    return v * v;
  }

  /** Demodulate `n` samples of `rx`; decisions[0..n) receive one hard bit per sample. */
  process(rx: Int16Array, n: number, offset = 0): void {
    const sums = this.sums;
    const mask = this.mask;
    const w = this.window;
    const dec = this.decisions;
    const cdShift = this.cdShift;
    const table = SINE_TABLE;
    const markStep = this.markStep;
    const spaceStep = this.spaceStep;
    // Phases wrap as Int32 (`| 0`): the same bits as a 32-bit unsigned accumulator, but always a small integer to
    // the JIT (an unsigned value above 2^31 would be a heap number). The table index is the top 10 bits, the
    // cosine's a quarter turn (256 entries) on.
    let pm = this.pm;
    let ps = this.ps;
    let pos = this.samples;
    let cIm = this.cIm;
    let cQm = this.cQm;
    let cIs = this.cIs;
    let cQs = this.cQs;
    let tick = this.phaseTick;
    for (let i = 0; i < n; i++) {
      const x = rx[offset + i];
      const km = pm >>> 22;
      const ks = ps >>> 22;
      const im = Math.imul(x, table[(km + 256) & 1023]) >> PRODUCT_SHIFT;
      const qm = Math.imul(x, table[km]) >> PRODUCT_SHIFT;
      const is = Math.imul(x, table[(ks + 256) & 1023]) >> PRODUCT_SHIFT;
      const qs = Math.imul(x, table[ks]) >> PRODUCT_SHIFT;
      pm = (pm + markStep) | 0;
      ps = (ps + spaceStep) | 0;
      // Running sums wrap in Int32; a difference over ≤ 128 samples is exact (its true value is below 2^31).
      cIm = (cIm + im) | 0;
      cQm = (cQm + qm) | 0;
      cIs = (cIs + is) | 0;
      cQs = (cQs + qs) | 0;
      const r = (pos & mask) << 2;
      const o = ((pos - w) & mask) << 2;
      sums[r] = cIm;
      sums[r + 1] = cQm;
      sums[r + 2] = cIs;
      sums[r + 3] = cQs;
      pos = (pos + 1) | 0;
      const sIm = (cIm - sums[o]) | 0;
      const sQm = (cQm - sums[o + 1]) | 0;
      const sIs = (cIs - sums[o + 2]) | 0;
      const sQs = (cQs - sums[o + 3]) | 0;
      // Block floating point: scale all four sums alike to ≤ 2^14 so the energies fit Int32 at any level. The
      // magnitudes without branches (the signs are random): (v ^ (v >> 31)) − (v >> 31) is |v|, exactly, for
      // |v| < 2^31, which the window's bound guarantees.
      const mIm = sIm >> 31;
      const mQm = sQm >> 31;
      const mIs = sIs >> 31;
      const mQs = sQs >> 31;
      const mag = (((sIm ^ mIm) - mIm) | ((sQm ^ mQm) - mQm) | ((sIs ^ mIs) - mIs) | ((sQs ^ mQs) - mQs)) | 0;
      let sh = 18 - Math.clz32(mag);
      sh &= ~(sh >> 31); // max(sh, 0)
      const a = sIm >> sh;
      const b = sQm >> sh;
      const c = sIs >> sh;
      const d = sQs >> sh;
      // Mark when its energy is the greater: each energy is below 2^29, so the difference's sign bit says it.
      dec[i] = (Math.imul(c, c) + Math.imul(d, d) - Math.imul(a, a) - Math.imul(b, b)) >>> 31;
      if (++tick === CD_EVERY) {
        tick = 0;
        this.snapshot(sIm, sQm, sIs, sQs, cdShift);
      }
    }
    this.pm = pm;
    this.ps = ps;
    this.samples = pos;
    this.cIm = cIm;
    this.cQm = cQm;
    this.cIs = cIs;
    this.cQs = cQs;
    this.phaseTick = tick;
    this.measureGuard(rx, n, offset);
    this.updateCarrier();
  }

  /** Every CD_EVERY samples: the stronger correlator's energy for carrier detect (and the panel's view). */
  private snapshot(sIm: number, sQm: number, sIs: number, sQs: number, cdShift: number): void {
    const a2 = sIm >> cdShift;
    const b2 = sQm >> cdShift;
    const c2 = sIs >> cdShift;
    const d2 = sQs >> cdShift;
    const em = Math.imul(a2, a2) + Math.imul(b2, b2);
    const es = Math.imul(c2, c2) + Math.imul(d2, d2);
    this.cdAcc += em > es ? em : es;
    if (this.tap !== null) this.tap.push(em, es);
    this.cdCount++;
  }

  /** Once per block: mean snapshot energy against the on/off thresholds, held for CD_FRAMES blocks. */
  private updateCarrier(): void {
    if (this.cdCount === 0) return;
    const mean = this.cdAcc / this.cdCount;
    this.lastEnergy = mean;
    this.cdAcc = 0;
    this.cdCount = 0;
    // Off below the absolute threshold, or 12 dB under the level the carrier had: on a noisy line the in-band
    // noise alone can sit above −48 dBm0, and a carrier that stopped must still be seen to stop.
    if (this.carrier) this.onLevel += (mean - this.onLevel) / 8;
    const aboveNoise = this.channelToNoise(mean) >= GUARD_RATIO;
    const crossing = this.carrier ? mean < Math.max(this.cdOff, this.onLevel / 16) || !aboveNoise : mean > this.cdOn && aboveNoise;
    this.cdRun = crossing ? this.cdRun + 1 : 0;
    if (this.cdRun >= (this.carrier ? this.cdOffBlocks : CD_FRAMES)) {
      this.carrier = !this.carrier;
      this.onLevel = mean;
      this.cdRun = 0;
    }
  }

  /**
   * The guard band's correlation over every block until GUARD_WARMUP are in, then over one block in four: the
   * noise floor changes slowly, the cost stays small.
   */
  private measureGuard(rx: Int16Array, n: number, offset: number): void {
    this.gCount = 0;
    if ((this.blockIndex++ & 3) !== 0 && this.guardMeasurements >= GUARD_WARMUP) return;
    let pg = this.pg;
    const step = this.guardStep;
    // Four bins over the block's quarters (each 4× as wide): eight degrees of freedom per block for the cost of two.
    let power = 0;
    let start = 0;
    for (let q = 1; q <= GUARD_PARTS; q++) {
      const end = (n * q) >> 2;
      let gI = 0;
      let gQ = 0;
      for (let i = start; i < end; i++) {
        const x = rx[offset + i];
        const k = pg >>> 22;
        gI += Math.imul(x, SINE_TABLE[(k + 256) & 1023]) >> GUARD_SHIFT;
        gQ += Math.imul(x, SINE_TABLE[k]) >> GUARD_SHIFT;
        pg = (pg + step) | 0;
      }
      power += gI * gI + gQ * gQ; // once per quarter block, not per sample
      start = end;
    }
    this.pg = pg;
    this.gPower = power;
    this.gCount = n;
  }

  /**
   * Once per block: in-channel energy per sample against the guard band's. White noise gives both the same
   * per-sample power (the stronger of two correlators about 1.5×); a carrier stands far above.
   */
  private channelToNoise(meanSnapshot: number): number {
    const channel = (meanSnapshot * this.cdScale) / this.window; // (sum >> PRODUCT_SHIFT)² per sample
    const scale = 2 ** (GUARD_SHIFT - PRODUCT_SHIFT);
    // One block's four bins are an eight-degree-of-freedom estimate: average GUARD_WARMUP of them before trusting
    // the floor (trusting the first single bin let white noise at −34 dBm0 raise carrier detect in 4 fresh
    // receivers of 10, and a Bell 103 answerer decode it into characters before the caller's carrier came).
    if (this.gCount > 0) {
      const guard = (this.gPower * scale * scale) / this.gCount;
      // A running mean over the first GUARD_WARMUP, then a leaky one.
      this.guardMeasurements = Math.min(this.guardMeasurements + 1, GUARD_WARMUP);
      this.noiseFloor = this.noiseFloor < 0 ? guard : this.noiseFloor + (guard - this.noiseFloor) / this.guardMeasurements;
    }
    if (this.guardMeasurements < GUARD_WARMUP) return 0; // the floor is not known yet: nothing stands above it
    return this.noiseFloor === 0 ? Infinity : channel / this.noiseFloor;
  }

  /**
   * The sequence decision for the bit whose window ends `spbQ16` before `endSample` + frac/65536 (frac ≤ 0, Q16):
   * the bit before the newest one at a sampling point, so a clock asks one bit late. Sample indices are this
   * demodulator's (`samples` counts them).
   */
  decideBit(endSample: number, frac: number, spbQ16: number): number {
    return this.detector.decide(endSample, frac, spbQ16);
  }

  /** In-channel received level of the last block, dBm0 (for telemetry; not used on the sample path). */
  get levelDbm0(): number {
    if (this.lastEnergy <= 0) return -Infinity;
    const ref = this.energyOfTone(0);
    return 10 * Math.log10(this.lastEnergy / ref);
  }

  reset(): void {
    this.sums.fill(0);
    this.cIm = this.cQm = this.cIs = this.cQs = 0;
    this.carrier = false;
    this.cdRun = 0;
    this.cdAcc = 0;
    this.cdCount = 0;
  }
}
