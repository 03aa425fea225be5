export { bandpassMatchedFilter, matchedFilterTable, MF_HALF } from './matched-filter.ts';
import { Agc } from '../filters/agc.ts';
import { cosQ15, sinQ15 } from '../nco.ts';
import { meanSquareToDbm0, SAMPLE_RATE } from '../q15.ts';
import type { ReceiverTap } from '../tap.ts';
import { CarrierTable } from './carrier-table.ts';
import { FseEqualizer, UNIT, UNIT_BITS } from './equalizer.ts';
import { bandpassMatchedFilter, matchedFilterTable, MF_TAPS } from './matched-filter.ts';
import { V22_BAUD, V22_ROLLOFF } from './rrc.ts';
import { quadrantOf, STEP_DIBIT } from './v22-constellation.ts';
import { meanSquareOfDbm0, V22SignalDetector } from './v22-signal-detector.ts';
import { differentialDibit, FOUR_IM, FOUR_RE, INV_D2, slice4, sliceFour } from './v22-slicer.ts';

export { CARRIER_OFF_DBM0, CARRIER_ON_DBM0 } from './v22-signal-detector.ts';

if ((MF_TAPS - 1) % 4 !== 0) throw new Error(`V22Demodulator: ${MF_TAPS} matched-filter taps (1 + a multiple of 4 expected)`);

/** Samples taken into the history per pass (one 20 ms frame). */
const CHUNK = 160;
/** Half a symbol period in Q16 samples: 8000 / 1200 = 6⅔. */
const HALF_SYMBOL_Q16 = Math.round((SAMPLE_RATE / (2 * V22_BAUD)) * 65536);
/** Symbols of a training period given to the AGC and the timing loop before the carrier loop and the equaliser. */
const ACQUIRE_SYMBOLS = 60;
/** Mean power of the points (units²) and the AGC's aim per component: a quarter of ±5σ Int16 headroom. */
const MEAN_POINT_POWER = 10;

/**
 * A decision's quadrant and its Q3Q4, by a table on the coordinates (each −3, −1, 1 or 3; index 4·(re + 3)/2 +
 * (im + 3)/2): quadrant | Q3Q4 << 2. Built from the definition: the quadrant (quadrantOf), the point rotated back to
 * the first quadrant by quarter turns, (a, b) → (b, −a), and Q3 = (b = 3), Q4 = (a = 3) there (V.22bis §2.5).
 */
const DECISION_CODE: Uint8Array = Uint8Array.from({ length: 16 }, (_, k) => {
  const re = (k >> 2) * 2 - 3;
  const im = (k & 3) * 2 - 3;
  const q = quadrantOf(re, im);
  let a = re;
  let b = im;
  for (let n = 0; n < q; n++) [a, b] = [b, -a];
  return q | (((b === 3 ? 1 : 0) << 1) | (a === 3 ? 1 : 0)) << 2;
});

/** Adaptation speeds, chosen by the handshake. */
export type AdaptMode = 'hold' | 'train' | 'track';

export interface V22DemodulatorOptions {
  /** The far modem's carrier: 2400 Hz when we call, 1200 Hz when we answer. */
  carrierHz: number;
}

/**
 * V.22 / V.22bis demodulator. The received samples go into a history; every half symbol, at an instant steered by
 * the timing loop: the square-root raised-cosine matched filter, moved to the carrier, evaluated at that fractional
 * delay (filtering, interpolation and, with the carrier's exact one-period table (carrier-table.ts), the mix to
 * baseband in one), the AGC (dsp/filters/agc.ts, run on the baseband pairs
 * so the far signal alone sets the gain), and the T/2 equaliser's input. Every symbol: Gardner timing error,
 * equaliser output, derotation by the carrier loop (second order, decision directed), slicer (4 or 16 points),
 * LMS update and the differential decode. Results: `symbols[0..symbolCount)` per call, each (quadrant step << 2)
 * | Q3Q4, and `bits` decoded at the current rate.
 */
export class V22Demodulator {
  /** Per call: decoded symbols, (dibit Q1Q2 << 2) | Q3Q4. At most 13 per 160-sample frame. */
  readonly symbols = new Uint8Array(64);
  symbolCount = 0;
  /**
   * Per call, beside `symbols`: the dibit of each symbol by differential detection (the angle of y[k]·conj(y[k−1]),
   * no carrier recovery needed), for recognising the handshake's unscrambled patterns before anything has trained.
   */
  readonly diffDibits = new Uint8Array(64);
  /** The same from the half-symbol samples between the symbol instants: one of the two is within a quarter symbol. */
  readonly diffDibitsMid = new Uint8Array(64);
  private prevMidRe = 0;
  private prevMidIm = 0;
  private wide = false;
  private adaptMode: AdaptMode = 'hold';
  /** Symbols since adaptation started: the first ACQUIRE_SYMBOLS settle the AGC and the timing only. */
  private adaptAge = 0;
  readonly eq = new FseEqualizer(16, 9);
  /** The panel's view of the equalised, derotated symbols (dsp/tap.ts); null when no one watches. */
  tap: ReceiverTap | null = null;

  private readonly carrierTable: CarrierTable;
  /**
   * The carrier table unrolled over one period plus a pass (CHUNK samples): index phase + i with no modulo per
   * half symbol (an integer division is a good part of the cost of the bookkeeping around the matched filter).
   */
  private readonly carrierCos: Int16Array;
  private readonly carrierSin: Int16Array;
  private phase = 0;
  /** The last MF_TAPS − 1 samples of the previous pass, then this pass's (at most CHUNK). */
  private readonly hist = new Int16Array(MF_TAPS - 1 + CHUNK);
  private hPos = 0; // oldest sample of the current output's window
  private newestPhase = 0; // carrierCos/carrierSin index of the current output's newest sample
  private readonly mfRe: Int16Array;
  private readonly mfIm: Int16Array;
  private toNext = HALF_SYMBOL_Q16;
  private half = 0; // 0: next half-symbol sample is a symbol instant
  private readonly agcFast: Agc;
  private readonly agcSlow: Agc;
  private agc: Agc;
  private prevSymRe = 0;
  private prevSymIm = 0;
  private prevPrevRe = 0;
  private prevPrevIm = 0;
  private midRe = 0;
  private midIm = 0;
  // Carrier loop: phase and frequency in 2^32 units per symbol.
  private carrierPhase = 0;
  carrierFreq = 0;
  private lastQuadrant = 0;
  // Level and carrier detection: the matched-filter output power, summed over the frame.
  private power = 0;
  private powerCount = 0;
  private readonly detector: V22SignalDetector;
  /** Mean squared error of the last 64 symbols, units² · 2^(2·UNIT_BITS − 6) (see mseDb). */
  private errAcc = 0;
  private errCount = 0;
  private mse = 0;

  constructor(readonly opts: V22DemodulatorOptions) {
    this.carrierTable = new CarrierTable(opts.carrierHz);
    const table = this.carrierTable;
    this.carrierCos = Int16Array.from({ length: table.period + CHUNK }, (_, j) => table.cos[j % table.period]);
    this.carrierSin = Int16Array.from({ length: table.period + CHUNK }, (_, j) => table.sin[j % table.period]);
    const band = bandpassMatchedFilter(matchedFilterTable().coeffs, opts.carrierHz);
    this.mfRe = band.re;
    this.mfIm = band.im;
    // A passband signal of mean square P gives E|y|² = P/2·(1 − β/4) after mixing (½ amplitude) and the matched
    // filter (which keeps ∫R²/∫R = 1 − β/4 of the raised-cosine shaped power). `power` sums |y|² >> 8.
    this.detector = new V22SignalDetector(256 / (0.5 * (1 - V22_ROLLOFF / 4)));
    // The AGC sees I and Q as one stream: its per-component aim is E|a|²/2 units².
    const target = meanSquareToDbm0((MEAN_POINT_POWER / 2) * UNIT * UNIT);
    // Agc's time constants assume 8000 samples/s; the pairs come at 2400 values/s, hence the 0.3 factor.
    const common = { blockSize: 32, minGainDb: -12, maxGainDb: 36, holdBelowDbm0: meanSquareToDbm0(meanSquareOfDbm0(-50) / (4 / (1 - V22_ROLLOFF / 4))) };
    this.agcFast = new Agc(target, { ...common, attackMs: 0.3 * 40, decayMs: 0.3 * 80 });
    this.agcSlow = new Agc(target, { ...common, attackMs: 0.3 * 1000, decayMs: 0.3 * 1000 });
    this.agc = this.agcFast;
  }

  /** Received line signal detector (circuit 109 before the handshake's conditions). */
  get carrier(): boolean {
    return this.detector.carrier;
  }

  /** The last frame's level was above the off threshold (no hold time: for squelching the data at once). */
  get energy(): boolean {
    return this.detector.energy;
  }

  /** Received level, dBm0, of the last frame (reporting). */
  get levelDbm0(): number {
    return this.detector.levelDbm0;
  }

  /** 16-way decisions (2400 bit/s); 4-way (1200 bit/s, Q3Q4 forced to 01) when false. */
  get sixteen(): boolean {
    return this.wide;
  }

  /** Sixteen points carry amplitude information, so the AGC turns slow from here on (the equaliser holds the gain). */
  set sixteen(on: boolean) {
    this.wide = on;
    if (on) this.setAgcSlow(true);
  }

  get adapt(): AdaptMode {
    return this.adaptMode;
  }

  /** 'hold': nothing adapts; 'train': fast AGC, timing, carrier and equaliser; 'track': slow, for data. */
  set adapt(mode: AdaptMode) {
    if (this.adaptMode === 'hold' && mode !== 'hold') this.adaptAge = 0;
    this.adaptMode = mode;
  }

  /** Slow the AGC down once trained (data) or speed it up again (retrain). */
  setAgcSlow(slow: boolean): void {
    const next = slow ? this.agcSlow : this.agcFast;
    if (next !== this.agc) next.reset(this.agc.gainDb);
    this.agc = next;
  }

  get agcGainDb(): number {
    return this.agc.gainDb;
  }

  /** Carrier frequency error estimate, Hz. */
  get carrierOffsetHz(): number {
    return (this.carrierFreq / 4294967296) * V22_BAUD;
  }

  /** Equaliser mean squared error relative to the mean point power, dB (reporting). */
  get mseDb(): number {
    return 10 * Math.log10(Math.max(1e-9, this.mse / (MEAN_POINT_POWER * UNIT * UNIT)));
  }

  process(rx: Int16Array, n: number): void {
    this.symbolCount = 0;
    for (let start = 0; start < n; start += CHUNK) this.chunk(rx, start, Math.min(CHUNK, n - start));
    this.frameLevel();
  }

  /**
   * Samples rx[start, start + n): appended to the history, then the matched filter at each half-symbol instant
   * among them. `toNext` (Q16 samples) counts from just before the pass's first sample: the instant falls at the
   * first sample i with toNext ≤ 65536·(i + 1), `frac` = 65536·(i + 1) − toNext before it.
   */
  private chunk(rx: Int16Array, start: number, n: number): void {
    const hist = this.hist;
    // A whole frame (the pump's case) is one block copy; set() of the array itself allocates nothing.
    if (start === 0 && n === rx.length) hist.set(rx, MF_TAPS - 1);
    else for (let i = 0; i < n; i++) hist[MF_TAPS - 1 + i] = rx[start + i];
    const period = this.carrierTable.period;
    let toNext = this.toNext;
    for (;;) {
      const i = toNext <= 65536 ? 0 : ((toNext + 65535) >>> 16) - 1;
      if (i >= n) break;
      const frac = 65536 * (i + 1) - toNext;
      this.hPos = i;
      this.newestPhase = this.phase + i; // phase < period, i < CHUNK
      this.toNext = -frac;
      this.halfSymbol(frac);
      toNext = 65536 * (i + 1) + this.toNext + HALF_SYMBOL_Q16; // the timing loop may have moved it
    }
    this.toNext = toNext - 65536 * n;
    this.phase = (this.phase + n) % period;
    hist.copyWithin(0, n, n + MF_TAPS - 1);
  }

  /**
   * One matched-filter output `frac` (Q16 samples) before the newest sample. The filter runs on the passband samples
   * with the carrier folded into its taps (bandpassMatchedFilter), and the sum is brought to baseband once per
   * output: y = e^{−jωn}·Σ x[n−a]·c[a]·e^{jωa} = Σ c[a]·x[n−a]·e^{−jω(n−a)}, the same as mixing every sample first.
   */
  private halfSymbol(frac: number): void {
    const base = (frac >>> 11) * MF_TAPS; // 65536 / 32 = 2^11
    const cr = this.mfRe;
    const ci = this.mfIm;
    const p = this.hPos;
    const hist = this.hist;
    // |x| < 2^15 and Σ|c| ≈ 1.3·2^15 keep every partial sum below 2^31, so Int32 adds are exact. Four taps a turn
    // after the first (even and odd sums apart; MF_TAPS − 1 is a multiple of 4): the loop overhead is a good part of
    // the cost of a short filter.
    let ar = Math.imul(hist[p], cr[base]);
    let ai = Math.imul(hist[p], ci[base]);
    let br = 0;
    let bi = 0;
    for (let k = 1; k < MF_TAPS; k += 4) {
      const x = hist[p + k];
      const y = hist[p + k + 1];
      const u = hist[p + k + 2];
      const v = hist[p + k + 3];
      ar = (ar + Math.imul(x, cr[base + k]) + Math.imul(u, cr[base + k + 2])) | 0;
      ai = (ai + Math.imul(x, ci[base + k]) + Math.imul(u, ci[base + k + 2])) | 0;
      br = (br + Math.imul(y, cr[base + k + 1]) + Math.imul(v, cr[base + k + 3])) | 0;
      bi = (bi + Math.imul(y, ci[base + k + 1]) + Math.imul(v, ci[base + k + 3])) | 0;
    }
    ar = (ar + br + 0x4000) >> 15;
    ai = (ai + bi + 0x4000) >> 15;
    // Back to baseband at the newest sample's carrier phase: (ar + j·ai)·e^{−jωn}.
    const cos = this.carrierCos[this.newestPhase];
    const sin = this.carrierSin[this.newestPhase];
    const yr = (Math.imul(ar, cos) + Math.imul(ai, sin) + 0x4000) >> 15;
    const yi = (Math.imul(ai, cos) - Math.imul(ar, sin) + 0x4000) >> 15;
    this.power += (Math.imul(yr, yr) >>> 8) + (Math.imul(yi, yi) >>> 8);
    this.powerCount++;
    let re = yr > 32767 ? 32767 : yr < -32768 ? -32768 : yr;
    let im = yi > 32767 ? 32767 : yi < -32768 ? -32768 : yi;
    if (this.detector.energy) {
      const agc = this.agc;
      re = agc.scale(re);
      im = agc.scale(im);
    }
    this.eq.push(re, im);
    if (this.half === 1) {
      this.midRe = re;
      this.midIm = im;
      this.half = 0;
      return;
    }
    this.half = 1;
    this.gardner(re, im);
    this.symbol();
  }

  /**
   * Gardner's timing error (IEEE Trans. Commun. 1986): Re{(y[k−1] − y[k])·conj(y[k−½])}. It is zero when the
   * mid sample falls on the zero crossing between symbols; its sign says early or late, whatever the carrier phase.
   */
  private gardner(re: number, im: number): void {
    const e = Math.imul(this.prevSymRe - re, this.midRe) + Math.imul(this.prevSymIm - im, this.midIm);
    this.prevSymRe = re;
    this.prevSymIm = im;
    // Timing runs on any signal above the off threshold, before circuit 109 and before training: the answer tone
    // (a 180° reversal every symbol) and S1 carry the strongest timing information there is, and S1 lasts 100 ms.
    if (!this.detector.energy) return;
    const shift = this.adaptMode === 'track' ? 14 : this.wide ? 12 : 10;
    // e ~ 10·UNIT² at a quarter symbol of error; the step is a small fraction of a sample.
    this.toNext += e >> shift;
  }

  private symbol(): void {
    const eq = this.eq;
    eq.filter();
    const c = cosQ15(this.carrierPhase);
    const s = sinQ15(this.carrierPhase);
    // z = y·e^{−jφ}
    const zr = (Math.imul(eq.yRe, c) + Math.imul(eq.yIm, s) + 0x4000) >> 15;
    const zi = (Math.imul(eq.yIm, c) - Math.imul(eq.yRe, s) + 0x4000) >> 15;
    if (this.tap !== null) this.tap.push(zr, zi);
    let dr: number;
    let di: number;
    if (this.wide) {
      dr = slice4(zr);
      di = slice4(zi);
    } else {
      const q = sliceFour(zr, zi);
      dr = FOUR_RE[q];
      di = FOUR_IM[q];
    }
    const er = dr * UNIT - zr;
    const ei = di * UNIT - zi;
    this.trackError(er, ei);
    if (this.detector.carrier && this.adaptMode !== 'hold' && ++this.adaptAge > ACQUIRE_SYMBOLS) {
      this.carrierLoop(zr, zi, dr, di);
      // Tracking (data) only follows slow changes of the line: the taps are updated on every other symbol (the same
      // step, half the speed; the equaliser MSE in the BER tests moves by 0.1 dB) for half the cost of its update.
      const train = this.adaptMode === 'train';
      if (train || (this.adaptAge & 1) === 0) {
        const mu = train ? (this.sixteen ? 2 : 1) : 3;
        // Error back in the equaliser's frame: e·e^{+jφ}.
        const qr = (Math.imul(er, c) - Math.imul(ei, s) + 0x4000) >> 15;
        const qi = (Math.imul(er, s) + Math.imul(ei, c) + 0x4000) >> 15;
        eq.update(qr, qi, mu);
      }
    }
    this.decode(dr, di);
    if (this.symbolCount > 0) {
      const k = this.symbolCount - 1;
      this.diffDibits[k] = differentialDibit(this.prevSymRe, this.prevSymIm, this.prevPrevRe, this.prevPrevIm);
      this.diffDibitsMid[k] = differentialDibit(this.midRe, this.midIm, this.prevMidRe, this.prevMidIm);
    }
    this.prevPrevRe = this.prevSymRe;
    this.prevPrevIm = this.prevSymIm;
    this.prevMidRe = this.midRe;
    this.prevMidIm = this.midIm;
  }

  /** Decision-directed second-order loop: phase error Im{z·conj(d)}/|d|² (radians, for small errors). */
  private carrierLoop(zr: number, zi: number, dr: number, di: number): void {
    const cross = zi * dr - zr * di; // ≈ |d|²·UNIT·sin θ
    const e16 = (cross * INV_D2[dr * dr + di * di]) >> (UNIT_BITS + 15 - 16); // sin θ in Q16
    // Gains per symbol: kp 0.2 (4-point training) or 0.08 rad/rad, ki = kp²/4 (critically damped); 2^32/2π/2^16
    // = 10430 phase units per Q16 radian. Sixteen points are noisier per decision, so they get the slow loop.
    const fast = this.adaptMode === 'train' && !this.sixteen;
    const kp = fast ? 2086 : 834;
    const ki = fast ? 104 : 17;
    this.carrierFreq = (this.carrierFreq + Math.imul(e16, ki)) | 0;
    this.carrierPhase = (this.carrierPhase + Math.imul(e16, kp) + this.carrierFreq) >>> 0;
  }

  private trackError(er: number, ei: number): void {
    this.errAcc += (Math.imul(er, er) + Math.imul(ei, ei)) >>> 6;
    if (++this.errCount === 64) {
      this.mse = this.errAcc;
      this.errAcc = 0;
      this.errCount = 0;
    }
  }

  private decode(dr: number, di: number): void {
    const code = DECISION_CODE[((dr + 3) << 1) + ((di + 3) >> 1)];
    const q = code & 3;
    const dq = (q - this.lastQuadrant) & 3;
    this.lastQuadrant = q;
    if (this.symbolCount < this.symbols.length) this.symbols[this.symbolCount++] = (STEP_DIBIT[dq] << 2) | (code >> 2);
  }

  private frameLevel(): void {
    if (this.powerCount === 0) return;
    this.detector.frame(this.power / this.powerCount);
    this.power = 0;
    this.powerCount = 0;
  }

  /** Start again from untrained: equaliser taps, loops and AGC (retrain, or a new call). */
  restart(): void {
    this.adaptAge = 0; // acquisition again: AGC and timing first
    this.eq.resetTaps();
    this.carrierFreq = 0;
    this.sixteen = false;
    this.setAgcSlow(false);
  }
}
