import { MeanSquare } from '../filters/goertzel.ts';
import { Nco } from '../nco.ts';
import { dbm0ToPeak, FULL_SCALE_DBM0 } from '../q15.ts';
import { TonePlayer } from './tone-player.ts';
import { ToneBin, turnsForHz, wrapTurn } from './tone-bin.ts';

/** V.25 §5: answer tone 2100 ± 15 Hz. */
export const ANSWER_TONE_HZ = 2100;
/** V.25 §5: optional 180° phase reversals every 450 ± 25 ms. */
export const PHASE_REVERSAL_MS = 450;
/** Bell 103/212A answer tone (answer-mode mark), 2225 Hz. */
export const BELL_ANSWER_HZ = 2225;
/** V.25: calling tone 1300 Hz, on 0.5–0.7 s, off 1.5–2.0 s. */
export const CALLING_TONE_HZ = 1300;
export const CALLING_ON_MS = 600;
export const CALLING_OFF_MS = 1800;

/** What an answer-tone generator sends: plain 2100 Hz (ANS), 2100 Hz with phase reversals (/ANS), or Bell 2225 Hz. */
export type AnswerToneKind = 'ans' | 'ans-pr' | 'bell';
/** What the detector reports: nothing yet, or one of the tones after its minimum duration. */
export type AnswerToneReport = 'none' | AnswerToneKind;

export interface AnswerToneOptions {
  levelDbm0?: number;
  /** Override the nominal frequency (tests of the ±15 Hz tolerance). */
  freqHz?: number;
  reversalMs?: number;
}

/** Answer tone generator: ANS, /ANS (phase reversals) or Bell 2225 Hz, default −13 dBm0. */
export class AnswerToneGenerator {
  private readonly nco: Nco;
  private readonly amplitude: number;
  private readonly reversalSamples: number;
  private untilReversal: number;

  constructor(
    readonly kind: AnswerToneKind = 'ans',
    opts: AnswerToneOptions = {},
  ) {
    this.nco = new Nco(opts.freqHz ?? (kind === 'bell' ? BELL_ANSWER_HZ : ANSWER_TONE_HZ));
    this.amplitude = Math.round(dbm0ToPeak(opts.levelDbm0 ?? -13));
    this.reversalSamples = kind === 'ans-pr' ? Math.round((opts.reversalMs ?? PHASE_REVERSAL_MS) * 8) : 0;
    this.untilReversal = this.reversalSamples;
  }

  process(out: Int16Array, n: number): void {
    if (this.reversalSamples === 0) {
      this.nco.generate(out, n, this.amplitude);
      return;
    }
    let done = 0;
    while (done < n) {
      const chunk = Math.min(n - done, this.untilReversal);
      this.nco.generate(out.subarray(done, done + chunk), chunk, this.amplitude);
      done += chunk;
      this.untilReversal -= chunk;
      if (this.untilReversal === 0) {
        this.nco.phase = (this.nco.phase + 0x80000000) >>> 0; // 180°
        this.untilReversal = this.reversalSamples;
      }
    }
  }
}

/** V.25 calling tone: 1300 Hz bursts, 0.6 s on, 1.8 s off, default −13 dBm0. */
export class CallingToneGenerator {
  private readonly player: TonePlayer;

  constructor(opts: { levelDbm0?: number; onMs?: number; offMs?: number } = {}) {
    this.player = new TonePlayer(
      [
        { freqs: [CALLING_TONE_HZ], ms: opts.onMs ?? CALLING_ON_MS },
        { freqs: [], ms: opts.offMs ?? CALLING_OFF_MS },
      ],
      opts.levelDbm0 ?? -13,
    );
  }

  process(out: Int16Array, n: number): void {
    this.player.process(out, n);
  }
}

/** Analysis block: 10 ms. The bins are 100 Hz wide, so ±15 Hz costs 0.3 dB, and 2100/2225 are well apart. */
const BLOCK = 80;
/** Mean square in Int16² units of a signal at `dbm0`. Construction time only. */
function msOf(dbm0: number): number {
  return Math.round(((32767 * 32767) / 2) * 10 ** ((dbm0 - FULL_SCALE_DBM0) / 10));
}

export interface ToneDetectorOptions {
  /** Weakest tone accepted, dBm0 (default −43). */
  minLevelDbm0?: number;
  /** Frequency tolerance accepted, Hz (default ±20, covering V.25's ±15 Hz with margin). */
  toleranceHz?: number;
  /** Tone must hold this long before it is reported, ms. */
  minDurationMs?: number;
}

/**
 * A single-frequency presence test on 10 ms blocks: the bin must hold ≥ 3/4 of the block's power (rejecting speech,
 * noise and other tones) above a level floor, and its block-to-block phase advance must match the frequency within
 * a tolerance. The last frequency-valid drift is kept so a phase reversal can be found by the detector.
 */
class SingleToneGate {
  readonly bin: ToneBin;
  private readonly minMs: number;
  private readonly tol: number;
  present = false;

  constructor(freqHz: number, opts: ToneDetectorOptions) {
    this.bin = new ToneBin(freqHz, BLOCK);
    this.minMs = msOf(opts.minLevelDbm0 ?? -43);
    this.tol = turnsForHz(opts.toleranceHz ?? 20, BLOCK);
  }

  /** `ms`: the block's mean square. Returns whether the tone holds the block. */
  process(block: Int16Array, ms: number): boolean {
    const p = this.bin.process(block);
    const strong = ms >= this.minMs && p >= ms - (ms >> 2); // p ≥ 3/4·ms
    const d = this.bin.drift;
    this.present = strong && d <= this.tol && d >= -this.tol;
    return strong;
  }
}

/**
 * Detects the answer tones a calling modem listens for: 2100 Hz (reporting 'ans-pr' once two phase reversals
 * 400–500 ms apart are seen) and Bell 2225 Hz, each reported after `minDurationMs` (default 300 ms) of steady tone.
 * Short gaps (≤ 30 ms, as around a phase reversal) do not break a tone; a longer one returns the report to 'none'.
 */
export class AnswerToneDetector {
  private readonly block = new Int16Array(BLOCK);
  private fill = 0;
  private readonly meanSquare = new MeanSquare(BLOCK);
  private readonly ans: SingleToneGate;
  private readonly bell: SingleToneGate;
  private readonly minBlocks: number;
  private current: 'none' | 'ans' | 'bell' = 'none';
  private run = 0;
  private miss = 0;
  private disturbance = 0;
  private disturbed = false;
  private meanDrift = 0;
  private lastReversal = -1;
  private blockIndex = 0;
  /** Phase reversals seen in the current 2100 Hz tone, and how many were 400–500 ms after the previous one. */
  reversals = 0;
  spacedReversals = 0;
  report: AnswerToneReport = 'none';

  constructor(opts: ToneDetectorOptions = {}) {
    this.ans = new SingleToneGate(ANSWER_TONE_HZ, opts);
    this.bell = new SingleToneGate(BELL_ANSWER_HZ, opts);
    this.minBlocks = Math.ceil((opts.minDurationMs ?? 300) / 10);
  }

  /** Feed `n` samples; returns the current report. */
  process(x: Int16Array, n: number): AnswerToneReport {
    for (let i = 0; i < n; i++) {
      this.block[this.fill++] = x[i];
      if (this.fill === BLOCK) {
        this.fill = 0;
        this.analyse();
      }
    }
    return this.report;
  }

  private analyse(): void {
    this.blockIndex++;
    const ms = this.meanSquare.process(this.block);
    this.ans.process(this.block, ms);
    this.bell.process(this.block, ms);
    const seen = this.ans.present ? 'ans' : this.bell.present ? 'bell' : 'none';
    if (seen !== 'none' && seen === this.current) {
      this.run++;
      this.miss = 0;
    } else if (this.current !== 'none' && this.miss < 3) {
      this.miss++; // a dip: keep the tone (a reversal cancels part of one block)
    } else {
      this.startTone(seen);
    }
    if (this.current === 'ans') this.trackReversal();
    if (this.current !== 'none' && this.run >= this.minBlocks) {
      this.report = this.current === 'bell' ? 'bell' : this.spacedReversals >= 1 ? 'ans-pr' : 'ans';
    }
  }

  private startTone(seen: 'none' | 'ans' | 'bell'): void {
    this.current = seen;
    this.run = seen === 'none' ? 0 : 1;
    this.miss = 0;
    this.reversals = 0;
    this.spacedReversals = 0;
    this.lastReversal = -1;
    this.disturbance = 0;
    this.disturbed = false;
    this.report = 'none';
  }

  /**
   * The drift of each block against the steady tone is near 0; a 180° reversal adds half a turn, spread over one or
   * two blocks (however the reversal falls in a block, the drifts of the disturbed blocks sum to half a turn).
   */
  private trackReversal(): void {
    const eighth = 8192;
    if (this.run <= 2) {
      this.meanDrift = this.ans.bin.drift; // the steady advance of this tone (its frequency offset)
      return;
    }
    const d = wrapTurn(this.ans.bin.drift - this.meanDrift);
    if (d > eighth || d < -eighth) {
      this.disturbance = wrapTurn(this.disturbance + d);
      this.disturbed = true;
      return;
    }
    if (!this.disturbed) {
      this.meanDrift += d >> 3;
      return;
    }
    const total = wrapTurn(this.disturbance + d);
    this.disturbance = 0;
    this.disturbed = false;
    if (total > 3 * eighth || total < -3 * eighth) {
      this.reversals++;
      const gapMs = (this.blockIndex - this.lastReversal) * 10;
      if (this.lastReversal >= 0 && gapMs >= 400 && gapMs <= 500) this.spacedReversals++;
      this.lastReversal = this.blockIndex;
    }
  }
}

/**
 * V.25 calling tone detector: counts 1300 Hz bursts whose length is 400–800 ms (0.5–0.7 s with margin), so a
 * continuous 1300 Hz (a V.23 mark, say) is not taken for a calling tone. `detected` turns true at the end of the
 * first valid burst.
 */
export class CallingToneDetector {
  private readonly block = new Int16Array(BLOCK);
  private fill = 0;
  private readonly meanSquare = new MeanSquare(BLOCK);
  private readonly gate: SingleToneGate;
  private run = 0;
  private miss = 0;
  bursts = 0;
  detected = false;

  constructor(opts: ToneDetectorOptions = {}) {
    this.gate = new SingleToneGate(CALLING_TONE_HZ, opts);
  }

  process(x: Int16Array, n: number): boolean {
    for (let i = 0; i < n; i++) {
      this.block[this.fill++] = x[i];
      if (this.fill === BLOCK) {
        this.fill = 0;
        this.gate.process(this.block, this.meanSquare.process(this.block));
        if (this.gate.present) {
          this.run += 1 + this.miss;
          this.miss = 0;
        } else if (this.run > 0 && this.miss < 2) {
          this.miss++;
        } else {
          if (this.run >= 40 && this.run <= 80) {
            this.bursts++;
            this.detected = true;
          }
          this.run = 0;
          this.miss = 0;
        }
      }
    }
    return this.detected;
  }
}
