import { Goertzel, MeanSquare, phaseOf } from '../filters/goertzel.ts';
import { phaseStep, sinQ15 } from '../nco.ts';
import { dbm0ToPeak, FULL_SCALE_DBM0, SAMPLE_RATE } from '../q15.ts';
import { turnsForHz, wrapTurn } from './tone-bin.ts';

/** Q.23 §2: low group frequencies (rows), Hz. */
export const DTMF_LOW = [697, 770, 852, 941] as const;
/** Q.23 §2: high group frequencies (columns), Hz. */
export const DTMF_HIGH = [1209, 1336, 1477, 1633] as const;
/** Q.23 Figure 1: the keypad, row by row. */
export const DTMF_KEYS = '123A456B789C*0#D';

/** Row and column of a DTMF digit, or undefined for a character that is not one of the 16. */
export function dtmfPair(digit: string): [number, number] | undefined {
  const k = DTMF_KEYS.indexOf(digit.toUpperCase());
  return k < 0 || digit.length !== 1 ? undefined : [DTMF_LOW[k >> 2], DTMF_HIGH[k & 3]];
}

export interface DtmfGeneratorOptions {
  /** Level of the low-group tone, dBm0 (default −8). */
  lowDbm0?: number;
  /** Level of the high-group tone, dBm0 (default −6: the usual 2 dB of twist towards the high group). */
  highDbm0?: number;
  toneMs?: number;
  pauseMs?: number;
  /** Frequency error applied to both tones, as a fraction (tests of the Q.24 tolerance). */
  freqError?: number;
}

/** DTMF sender: `dial('123#')` queues digits, `process` plays tone / pause per digit, then silence. */
export class DtmfGenerator {
  private readonly lowAmp: number;
  private readonly highAmp: number;
  private readonly toneSamples: number;
  private readonly pauseSamples: number;
  private readonly steps = new Uint32Array(8);
  private queue = '';
  private pos = 0;
  private left = 0;
  private inTone = false;
  private lowStep = 0;
  private highStep = 0;
  private phLow = 0;
  private phHigh = 0;

  constructor(opts: DtmfGeneratorOptions = {}) {
    this.lowAmp = Math.round(dbm0ToPeak(opts.lowDbm0 ?? -8));
    this.highAmp = Math.round(dbm0ToPeak(opts.highDbm0 ?? -6));
    if (this.lowAmp + this.highAmp > 32767) throw new RangeError('DTMF levels would clip');
    this.toneSamples = Math.round((opts.toneMs ?? 70) * 8);
    this.pauseSamples = Math.round((opts.pauseMs ?? 70) * 8);
    const k = 1 + (opts.freqError ?? 0);
    [...DTMF_LOW, ...DTMF_HIGH].forEach((f, i) => (this.steps[i] = phaseStep(f * k)));
  }

  /** Queue digits; characters outside the 16 DTMF keys are a caller error. */
  dial(digits: string): void {
    for (const d of digits) if (!dtmfPair(d)) throw new RangeError(`'${d}' is not a DTMF digit`);
    this.queue = this.queue.slice(this.pos) + digits.toUpperCase();
    this.pos = 0;
  }

  /** True while digits remain to be sent. */
  get busy(): boolean {
    return this.pos < this.queue.length || this.left > 0;
  }

  process(out: Int16Array, n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.left === 0) this.nextSegment();
      if (this.inTone) {
        out[i] =
          ((Math.imul(sinQ15(this.phLow), this.lowAmp) + 0x4000) >> 15) +
          ((Math.imul(sinQ15(this.phHigh), this.highAmp) + 0x4000) >> 15);
        this.phLow = (this.phLow + this.lowStep) >>> 0;
        this.phHigh = (this.phHigh + this.highStep) >>> 0;
      } else {
        out[i] = 0;
      }
      if (this.left > 0) this.left--;
    }
  }

  private nextSegment(): void {
    if (this.inTone) {
      this.inTone = false;
      this.left = this.pauseSamples;
    } else if (this.pos < this.queue.length) {
      const k = DTMF_KEYS.indexOf(this.queue[this.pos++]);
      this.lowStep = this.steps[k >> 2];
      this.highStep = this.steps[4 + (k & 3)];
      this.phLow = 0;
      this.phHigh = 0;
      this.inTone = true;
      this.left = this.toneSamples;
    }
  }
}

export interface DtmfDetectorOptions {
  /** Weakest tone accepted, dBm0 per tone (default −36). */
  minLevelDbm0?: number;
  /** Q.24 twist limits: how much louder the high tone may be (reverse twist), and the low tone (default 6 dB each). */
  maxReverseTwistDb?: number;
  maxTwistDb?: number;
}

/** 10 ms blocks, decisions on 20 ms windows (two blocks) every 10 ms. */
const BLOCK = 80;

/** Two powers within a factor of two of each other. */
function steady(a: number, b: number): boolean {
  return a >> 1 <= b && b >> 1 <= a;
}

function msOf(dbm0: number): number {
  return Math.round(((32767 * 32767) / 2) * 10 ** ((dbm0 - FULL_SCALE_DBM0) / 10));
}

/**
 * Q.24 DTMF receiver. Eight Goertzel bins run on 10 ms blocks. Every 10 ms, on the last two blocks:
 * - each bin's 20 ms power is the coherent sum of its two block results (50 Hz resolution), which picks the
 *   strongest tone of each group and checks that no other tone of the group is within 9 dB (a third frequency);
 * - the two tones' 10 ms powers must hold ≥ 3/4 of the signal power (speech and noise fail), lie above the level
 *   floor and within the twist limits;
 * - each tone's two 10 ms powers must agree within 3 dB (a steady tone, not a burst or speech);
 * - the phase advance of each tone from one block to the next measures its frequency: Q.24 accepts ±1.5 % and
 *   rejects ±3.5 %, so the limit sits at ±2.5 % (beyond ±50 Hz the power tests reject instead).
 * A digit is reported when two consecutive decisions agree (a 40 ms tone always gives two), and another one only
 * after two decisions without it (a 40 ms pause always gives two).
 */
export class DtmfDetector {
  private readonly bins: Goertzel[];
  private readonly meanSquare = new MeanSquare(BLOCK);
  private readonly block = new Int16Array(BLOCK);
  private fill = 0;
  /** Per bin: this block's and the previous block's complex amplitude, and 10 ms powers. */
  private readonly amp = new Int32Array(16);
  private readonly prevAmp = new Int32Array(16);
  private readonly power = new Int32Array(8);
  private readonly prevPower = new Int32Array(8);
  private readonly winPower = new Int32Array(8);
  /** Per bin: e^{jwN} in Q15 (re, im), to bring the previous block into the window's phase reference. */
  private readonly rot = new Int32Array(16);
  private readonly nominal = new Int32Array(8);
  private readonly maxDrift = new Int32Array(8);
  private readonly minPower: number;
  private readonly reverseTwist: number;
  private readonly twist: number;
  private prevMs = 0;
  private lastRaw = -1;
  private current = -1;
  private absent = 0;

  constructor(opts: DtmfDetectorOptions = {}) {
    const freqs = [...DTMF_LOW, ...DTMF_HIGH];
    this.bins = freqs.map((f) => new Goertzel(f, BLOCK));
    freqs.forEach((f, i) => {
      const w = (2 * Math.PI * f * BLOCK) / SAMPLE_RATE;
      this.rot[2 * i] = Math.round(Math.cos(w) * 32767);
      this.rot[2 * i + 1] = Math.round(Math.sin(w) * 32767);
      this.nominal[i] = turnsForHz(f, BLOCK) & 0xffff;
      this.maxDrift[i] = turnsForHz(0.025 * f, BLOCK); // Q.24: between 1.5 % (accept) and 3.5 % (reject)
    });
    this.minPower = msOf(opts.minLevelDbm0 ?? -36);
    // Twist limits as power ratios in Q8 (hi ≤ lo·r/256 ⇔ hi·256 ≤ lo·r); at most 12 dB, so r < 2^11.
    this.reverseTwist = Math.round(256 * 10 ** ((opts.maxReverseTwistDb ?? 6) / 10));
    this.twist = Math.round(256 * 10 ** ((opts.maxTwistDb ?? 6) / 10));
    if (this.twist >= 2048 || this.reverseTwist >= 2048) throw new RangeError('DTMF twist limits above 12 dB');
  }

  /** Feed `n` samples; returns the digits recognised in them ('' nearly always). */
  process(x: Int16Array, n: number): string {
    let found = '';
    for (let i = 0; i < n; i++) {
      this.block[this.fill++] = x[i];
      if (this.fill === BLOCK) {
        this.fill = 0;
        const d = this.decide();
        if (d >= 0) found += DTMF_KEYS[d];
      }
    }
    return found;
  }

  reset(): void {
    this.fill = 0;
    this.prevMs = 0;
    this.lastRaw = this.current = -1;
    this.absent = 0;
    this.amp.fill(0);
    this.power.fill(0);
  }

  /** Analyse one block; returns a digit index when a new digit is confirmed, else −1. */
  private decide(): number {
    const ms = this.meanSquare.process(this.block);
    for (let b = 0; b < 8; b++) {
      const g = this.bins[b];
      this.prevAmp[2 * b] = this.amp[2 * b];
      this.prevAmp[2 * b + 1] = this.amp[2 * b + 1];
      this.prevPower[b] = this.power[b];
      this.power[b] = g.process(this.block);
      this.amp[2 * b] = g.ampRe;
      this.amp[2 * b + 1] = g.ampIm;
      // Window amplitude = (this + e^{jwN}·previous) / 2; |each| ≤ 2^16 so the sums stay small.
      const pr = this.prevAmp[2 * b];
      const pi = this.prevAmp[2 * b + 1];
      const cr = this.rot[2 * b];
      const ci = this.rot[2 * b + 1];
      let wr = (g.ampRe + ((Math.imul(pr, cr) - Math.imul(pi, ci) + 0x4000) >> 15)) >> 1;
      let wi = (g.ampIm + ((Math.imul(pr, ci) + Math.imul(pi, cr) + 0x4000) >> 15)) >> 1;
      wr = wr > 46340 ? 46340 : wr < -46340 ? -46340 : wr;
      wi = wi > 46340 ? 46340 : wi < -46340 ? -46340 : wi;
      this.winPower[b] = ((Math.imul(wr, wr) >>> 1) + (Math.imul(wi, wi) >>> 1)) | 0;
    }
    const winMs = (ms >> 1) + (this.prevMs >> 1);
    this.prevMs = ms;
    const raw = this.classify(winMs);
    let out = -1;
    if (raw >= 0 && raw === this.lastRaw && raw !== this.current) {
      out = raw;
      this.current = raw;
      this.absent = 0;
    } else if (this.current >= 0 && raw !== this.current) {
      if (++this.absent >= 2) this.current = -1;
    } else {
      this.absent = 0;
    }
    this.lastRaw = raw;
    return out;
  }

  /** The digit the current 20 ms window holds, or −1. */
  private classify(winMs: number): number {
    const lo = this.strongest(0);
    const hi = this.strongest(4);
    if (lo < 0 || hi < 0) return -1;
    // 20 ms powers of the two tones from their two 10 ms blocks (less sensitive to a frequency offset).
    const pLo = (this.power[lo] >> 1) + (this.prevPower[lo] >> 1);
    const pHi = (this.power[hi] >> 1) + (this.prevPower[hi] >> 1);
    if (pLo < this.minPower || pHi < this.minPower) return -1;
    // Steady: each tone's two 10 ms powers within 3 dB. A tone covering only part of the window fails, so a 20 ms
    // burst gives at most one valid window while a 40 ms tone always gives two.
    if (!steady(this.power[lo], this.prevPower[lo]) || !steady(this.power[hi], this.prevPower[hi])) return -1;
    // Tones hold ≥ 3/4 of the power (quarters keep the sums below 2^31).
    if ((pLo >> 2) + (pHi >> 2) < (winMs >> 2) - (winMs >> 4)) return -1;
    // Twist: both powers scaled below 2^20, so a product with a Q8 ratio (< 2^11) stays below 2^31.
    const top = 31 - Math.clz32(pLo | pHi);
    const sh = top > 19 ? top - 19 : 0;
    const sLo = pLo >> sh;
    const sHi = pHi >> sh;
    if (Math.imul(sHi, 256) > Math.imul(sLo, this.reverseTwist) || Math.imul(sLo, 256) > Math.imul(sHi, this.twist)) return -1;
    if (!this.onFrequency(lo) || !this.onFrequency(hi)) return -1;
    return (lo << 2) | (hi - 4);
  }

  /** Index of the strongest bin of a group if every other bin of the group is ≥ 9 dB (×8) below it, else −1. */
  private strongest(first: number): number {
    let best = first;
    for (let b = first + 1; b < first + 4; b++) if (this.winPower[b] > this.winPower[best]) best = b;
    const limit = this.winPower[best] >> 3;
    for (let b = first; b < first + 4; b++) if (b !== best && this.winPower[b] > limit) return -1;
    return best;
  }

  /** Block-to-block phase advance against the nominal frequency, within ±2.5 %. */
  private onFrequency(b: number): boolean {
    const now = phaseOf(this.amp[2 * b], this.amp[2 * b + 1]);
    const before = phaseOf(this.prevAmp[2 * b], this.prevAmp[2 * b + 1]);
    const drift = wrapTurn(now - before - this.nominal[b]);
    return drift <= this.maxDrift[b] && drift >= -this.maxDrift[b];
  }
}
