import { Goertzel, MeanSquare } from '../filters/goertzel.ts';
import { FRAME_SAMPLES, FULL_SCALE_DBM0 } from '../q15.ts';
import { COUNTRIES, SIT, type CadencedTone, type CallProgressTone, type CountryCode } from './cadences.ts';
import { TonePlayer, type ToneSegment } from './tone-player.ts';

export type CallProgressState = CallProgressTone | 'silence' | 'voice' | 'unknown';

/** Plays a country's call-progress tones (for the simulated exchange): `start('busy')`, `process`, `stop()`. */
export class CallProgressToneGenerator {
  private readonly players = new Map<CallProgressTone, TonePlayer>();
  private playing: TonePlayer | null = null;
  tone: CallProgressTone | null = null;

  constructor(
    readonly country: CountryCode,
    opts: { levelDbm0?: number; freqOffsetHz?: number } = {},
  ) {
    const tones = COUNTRIES[country].tones;
    const df = opts.freqOffsetHz ?? 0;
    const shift = (play: readonly ToneSegment[]): ToneSegment[] => play.map((g) => ({ freqs: g.freqs.map((f) => f + df), ms: g.ms }));
    for (const [name, t] of Object.entries(tones) as [CallProgressTone, CadencedTone][]) {
      this.players.set(name, new TonePlayer(shift(t.play), opts.levelDbm0 ?? t.levelDbm0));
    }
    this.players.set('sit', new TonePlayer(shift(SIT.play), opts.levelDbm0 ?? SIT.levelDbm0));
  }

  start(tone: CallProgressTone): void {
    this.tone = tone;
    this.playing = this.players.get(tone)!;
    this.playing.reset();
  }

  stop(): void {
    this.tone = null;
    this.playing = null;
  }

  process(out: Int16Array, n: number): void {
    if (this.playing) this.playing.process(out, n);
    else out.fill(0, 0, n);
  }
}

const QUIET = -1;
const OTHER = -2;
const HISTORY = 16;
const FRAME_MS = 20;

function msOf(dbm0: number): number {
  return Math.round(((32767 * 32767) / 2) * 10 ** ((dbm0 - FULL_SCALE_DBM0) / 10));
}

export interface CallProgressOptions {
  /** Weakest tone accepted, dBm0 per frequency (default −40). */
  minToneDbm0?: number;
  /** A frame that is not a tone is quiet below this level (default −35 dBm0), else voice or other sound. */
  quietDbm0?: number;
  /** Quiet for this long is 'silence' (default 5 s, longer than any ringback pause). */
  silenceMs?: number;
}

/**
 * Call-progress classifier over 20 ms frames. Each frame is labelled with one of the country's tone signals (a
 * frequency set), quiet, or other sound: a signal matches when its Goertzel bins hold ≥ 0.59 of the frame's power,
 * each frequency is above the floor and a dual tone's halves are within 10 dB. Labels become segments (a change
 * must last two frames), and the segments are matched against the cadences: continuous dial tone, on/off cycles
 * (busy and reorder confirmed after two cycles, ringback after one on and the start of its long pause), the SIT
 * sequence; quiet for `silenceMs` is 'silence', and other sound in half of the last second is 'voice'.
 */
export class CallProgressDetector {
  private readonly bins: Goertzel[];
  private readonly power: Int32Array;
  private readonly signalBins: number[][];
  private readonly toneSignal = new Map<CallProgressTone, number>();
  private readonly sitSignals: number[];
  private readonly meanSquare = new MeanSquare(FRAME_SAMPLES);
  private readonly minTone: number;
  private readonly quiet: number;
  private readonly silenceFrames: number;
  private readonly cadenced: [CallProgressTone, CadencedTone, number][] = [];
  private readonly segClass = new Int32Array(HISTORY);
  private readonly segLen = new Int32Array(HISTORY);
  private segCount = 0;
  private cur = QUIET;
  private curLen = 0;
  private pending = QUIET;
  private pendingLen = 0;
  private readonly otherRing = new Uint8Array(50);
  private otherPos = 0;
  private otherCount = 0;
  state: CallProgressState = 'unknown';

  constructor(
    readonly country: CountryCode,
    opts: CallProgressOptions = {},
  ) {
    const tones = COUNTRIES[country].tones;
    const sets: number[][] = [];
    const signalOf = (freqs: readonly number[]): number => {
      const k = sets.findIndex((s) => s.length === freqs.length && s.every((f, i) => f === freqs[i]));
      return k >= 0 ? k : sets.push([...freqs]) - 1;
    };
    for (const [name, t] of Object.entries(tones) as [CallProgressTone, CadencedTone][]) {
      const sig = signalOf(t.freqs);
      this.toneSignal.set(name, sig);
      if (t.onMs) this.cadenced.push([name, t, sig]);
    }
    this.sitSignals = SIT.freqs.map((f) => signalOf([f]));
    const freqs = [...new Set(sets.flat())];
    this.bins = freqs.map((f) => new Goertzel(f, FRAME_SAMPLES));
    this.power = new Int32Array(freqs.length);
    this.signalBins = sets.map((s) => s.map((f) => freqs.indexOf(f)));
    this.minTone = msOf(opts.minToneDbm0 ?? -40);
    this.quiet = msOf(opts.quietDbm0 ?? -35);
    this.silenceFrames = Math.round((opts.silenceMs ?? 5000) / FRAME_MS);
  }

  /** Classify one 20 ms frame (160 samples); returns the current classification. */
  process(frame: Int16Array): CallProgressState {
    const label = this.label(frame);
    this.segment(label);
    const other = label === OTHER ? 1 : 0;
    this.otherCount += other - this.otherRing[this.otherPos];
    this.otherRing[this.otherPos] = other;
    this.otherPos = (this.otherPos + 1) % this.otherRing.length;
    this.evaluate();
    return this.state;
  }

  private label(frame: Int16Array): number {
    const ms = this.meanSquare.process(frame);
    for (let b = 0; b < this.bins.length; b++) this.power[b] = this.bins[b].process(frame);
    let best = -1;
    let bestSum = 0;
    for (let s = 0; s < this.signalBins.length; s++) {
      const idx = this.signalBins[s];
      let sum = 0;
      let lo = 0x7fffffff;
      let hi = 0;
      for (const b of idx) {
        const p = this.power[b] >> 2; // quarters: a sum of three stays below 2^31
        sum += p;
        if (p < lo) lo = p;
        if (p > hi) hi = p;
      }
      if (lo < this.minTone >> 2 || lo < (hi >> 3) - (hi >> 5)) continue; // floor; dual-tone halves within 10 dB
      // sum ≥ 0.59·ms/4, i.e. (1/2 + 1/8 − 1/32) of the quarter power.
      const q = ms >> 2;
      if (sum < (q >> 1) + (q >> 3) - (q >> 5)) continue;
      if (sum > bestSum) {
        bestSum = sum;
        best = s;
      }
    }
    if (best >= 0) return best;
    return ms < this.quiet ? QUIET : OTHER;
  }

  /** Labels to segments; a new label must hold for two frames before the running segment ends. */
  private segment(label: number): void {
    if (label === this.cur) {
      this.curLen += 1 + this.pendingLen;
      this.pendingLen = 0;
      return;
    }
    if (label === this.pending && this.pendingLen > 0) this.pendingLen++;
    else {
      this.pending = label;
      this.pendingLen = 1;
    }
    if (this.pendingLen < 2) return;
    const slot = this.segCount % HISTORY;
    this.segClass[slot] = this.cur;
    this.segLen[slot] = this.curLen;
    this.segCount++;
    this.cur = label;
    this.curLen = this.pendingLen;
    this.pendingLen = 0;
  }

  /** Label of the k-th completed segment counting back from the newest (k = 0), OTHER if none. */
  private segLabel(k: number): number {
    return k >= this.segCount || k >= HISTORY ? OTHER : this.segClass[(this.segCount - 1 - k) % HISTORY];
  }

  /** Length in ms of the k-th completed segment counting back from the newest, 0 if none. */
  private segMs(k: number): number {
    return k >= this.segCount || k >= HISTORY ? 0 : this.segLen[(this.segCount - 1 - k) % HISTORY] * FRAME_MS;
  }

  private evaluate(): void {
    const curMs = this.curLen * FRAME_MS;
    const [sitLo, sitMid, sitHi] = this.sitSignals;
    if (this.cur === sitHi && curMs >= SIT.segmentMs[0]) {
      const [lo, hi] = SIT.segmentMs;
      const l1 = this.segMs(0);
      const l0 = this.segMs(1);
      if (this.segLabel(0) === sitMid && this.segLabel(1) === sitLo && l1 >= lo && l1 <= hi && l0 >= lo && l0 <= hi) {
        this.state = 'sit';
      }
      return;
    }
    const dial = COUNTRIES[this.country].tones['dial-tone'];
    if (this.cur === this.toneSignal.get('dial-tone') && curMs >= (dial.continuousMs ?? 1000)) {
      this.state = 'dial-tone';
      return;
    }
    for (const [name, t, sig] of this.cadenced) {
      if (this.cycles(t, sig) >= (t.confirmCycles ?? 2)) {
        this.state = name;
        return;
      }
    }
    if (this.cur === QUIET && this.curLen >= this.silenceFrames) this.state = 'silence';
    else if (this.otherCount >= this.otherRing.length / 2) this.state = 'voice';
  }

  /** Complete on/off cycles of `t` at the end of the history; a pause in progress counts once past its minimum. */
  private cycles(t: CadencedTone, sig: number): number {
    const [onMin, onMax] = t.onMs!;
    const [offMin, offMax] = t.offMs!;
    const curMs = this.curLen * FRAME_MS;
    let k = 0;
    let needOff = true;
    if (this.cur === QUIET) {
      if (curMs < offMin || curMs > offMax) return 0;
      needOff = false; // the pause in progress is this cycle's off
    } else if (this.cur !== sig || curMs > onMax) return 0;
    let cycles = 0;
    for (;;) {
      if (needOff) {
        const l = this.segMs(k);
        if (this.segLabel(k++) !== QUIET || l < offMin || l > offMax) return cycles;
      }
      const l = this.segMs(k);
      if (this.segLabel(k++) !== sig || l < onMin || l > onMax) return cycles;
      cycles++;
      needOff = true;
    }
  }
}
