import { dbm0ToPeak, dbm0ToRms, sat16, SAMPLE_RATE } from '../q15.ts';
import { CarrierTable } from './carrier-table.ts';
import { rrcAt, V22_BAUD, V22_ROLLOFF } from './rrc.ts';
import { POINT_IM, POINT_RE, SILENT } from './v22-constellation.ts';

/** Where the modulator takes each symbol: a point index 0..15 (v22-constellation.ts) or SILENT. */
export interface SymbolSource {
  nextSymbol(): number;
}

/** V.22 §2.1: carriers 1200 Hz (calling modem, low channel) and 2400 Hz (answering modem, high channel). */
export const LOW_CHANNEL_HZ = 1200;
export const HIGH_CHANNEL_HZ = 2400;

/** V.22 §2.2: the answering modem's guard tone, none, 550 Hz or 1800 Hz. */
export type GuardTone = 'none' | 550 | 1800;

export interface V22ModulatorOptions {
  carrierHz: number;
  /** Total transmit level, dBm0 (data plus guard tone). */
  levelDbm0: number;
  guardTone?: GuardTone;
}

/** Upsampled grid: the symbol period is 40 steps of 1/24000 s, a sample 3 steps (8000·3 = 600·40). */
const STEPS_PER_SYMBOL = 40;
const STEPS_PER_SAMPLE = 3;
/** Pulse span in symbols (±3 T: the 75 % roll-off pulse is below −60 dB of its peak beyond that). */
export const TX_SPAN_SYMBOLS = 6;
/** Mean |a|² of the points, in units², at 1200 and 2400 bit/s alike (4·(2 + 10 + 10 + 18)/16 = 10). */
export const MEAN_POINT_POWER = 10;

/**
 * Pulse-shaping table: coeff[p·SPAN + j] weighs the symbol j periods old when the newest came p steps (1/24000 s)
 * ago, scaled so that random symbols give the data level asked for. Float at construction only.
 */
export function modulatorTable(dataDbm0: number): { coeffs: Int16Array; scale: number; design: Float64Array } {
  const taps = STEPS_PER_SYMBOL * TX_SPAN_SYMBOLS;
  const design = new Float64Array(taps);
  let energy = 0;
  for (let t = 0; t < taps; t++) {
    design[t] = rrcAt((t - taps / 2) / STEPS_PER_SYMBOL, V22_ROLLOFF);
    energy += design[t] * design[t];
  }
  // Passband mean square = E|x|²/2, E|x|² = E|a|²·G²·Σh²/40 (the three sample phases average the 24 kHz energy).
  const ms = dbm0ToRms(dataDbm0) ** 2;
  const scale = Math.sqrt((2 * ms * STEPS_PER_SYMBOL) / (MEAN_POINT_POWER * energy));
  const coeffs = new Int16Array(taps);
  for (let p = 0; p < STEPS_PER_SYMBOL; p++) {
    for (let j = 0; j < TX_SPAN_SYMBOLS; j++) coeffs[p * TX_SPAN_SYMBOLS + j] = sat16(Math.round(design[p + STEPS_PER_SYMBOL * j] * scale));
  }
  return { coeffs, scale, design };
}

/** Extra fractional bits kept in each pulse value (rounded away once per output sample). */
const OLA_BITS = 8;
/** Output samples one symbol's pulse touches: 6 symbol periods of 40/3 samples. */
const PULSE_SAMPLES = (STEPS_PER_SYMBOL * TX_SPAN_SYMBOLS) / STEPS_PER_SAMPLE;
/** Symbol arrival phases: a symbol arrives 0, 1 or 2 steps (1/24000 s) before a sample; three symbols are 40 samples. */
const ARRIVAL_PHASES = STEPS_PER_SAMPLE;
/** Samples in which the baud and carrier (period 10, 20 or 40 samples at 2400, 1200 or 1800 Hz) both repeat. */
const CYCLE_SAMPLES = STEPS_PER_SYMBOL;
/** Where the silent pulse starts in the table: 16 points × 3 phases of PULSE_SAMPLES, then zeros. */
const SILENT_PULSE = 16 * ARRIVAL_PHASES * PULSE_SAMPLES;
/** The zeros are long enough for a cursor set at construction, which runs until the sixth symbol replaces it. */
const SILENT_SAMPLES = 2 * PULSE_SAMPLES;

/**
 * V.22 / V.22bis modulator: 600 baud symbols through a square-root raised-cosine pulse onto the carrier, plus the
 * optional guard tone. Three symbols take exactly 40 samples, a whole number of carrier periods, so a symbol arriving
 * at a given step of that cycle always meets the carrier at the same phase: the passband pulse of each of the 16
 * points for each of the three arrival phases is computed at construction (the polyphase coefficients of
 * modulatorTable times the carrier table, as exact integer products). A pulse lasts 80 samples, six symbol periods,
 * and since three symbols arrive in every 40 samples, exactly six pulses are under way at every sample: the output
 * is the sum of six table entries, one from each of the last six symbols' pulses (a cursor per symbol), rounded once.
 * That is the same arithmetic as filtering the symbols and mixing every sample, with 6 adds per sample instead of
 * 14 products, and the same integers as adding each pulse into an overlap-add buffer (integer sums in any order).
 */
export class V22Modulator {
  /** pulses[((point · 3 + arrival) · 80 + m)]: the point's contribution m samples after it arrived, Q(OLA_BITS). */
  private readonly pulses: Int32Array;
  /**
   * The six pulses under way, oldest first: for each, the table index of its entry at sample 0 of the current pass
   * (so that sample i reads pulses[cursor + i]). A new symbol takes the place of the oldest, whose pulse has just ended.
   */
  private c0 = SILENT_PULSE;
  private c1 = SILENT_PULSE;
  private c2 = SILENT_PULSE;
  private c3 = SILENT_PULSE;
  private c4 = SILENT_PULSE;
  private c5 = SILENT_PULSE;
  private baudPhase = 0;
  private guardPhase = 0;
  private readonly guard: CarrierTable | null;
  private readonly guardAmp: number;
  /** Symbols sent since construction or reset. */
  symbols = 0;
  /** True once the last symbol was SILENT and the pulse tail has died away. */
  private silentRun = TX_SPAN_SYMBOLS;

  constructor(readonly opts: V22ModulatorOptions) {
    if (!(opts.levelDbm0 <= 0)) throw new RangeError(`V22Modulator: level ${opts.levelDbm0} dBm0 above 0 dBm0`);
    const guard = opts.guardTone ?? 'none';
    // V.22 §2.2: 1800 Hz guard 6 ± 1 dB below the data signal, 550 Hz 3 ± 1 dB below; total power unchanged.
    const dataDbm0 = guard === 1800 ? opts.levelDbm0 - 0.97 : guard === 550 ? opts.levelDbm0 - 1.76 : opts.levelDbm0;
    this.pulses = passbandPulses(modulatorTable(dataDbm0).coeffs, new CarrierTable(opts.carrierHz));
    this.guard = guard === 'none' ? null : new CarrierTable(guard);
    this.guardAmp = guard === 'none' ? 0 : Math.round(dbm0ToPeak(dataDbm0 - (guard === 1800 ? 6 : 3)));
  }

  /** Fill out[0..n) from `source`, which is asked for a symbol every 40/3 samples. */
  process(out: Int16Array, n: number, source: SymbolSource): void {
    const p = this.pulses;
    const g = this.guard;
    let baud = this.baudPhase;
    let c0 = this.c0;
    let c1 = this.c1;
    let c2 = this.c2;
    let c3 = this.c3;
    let c4 = this.c4;
    let c5 = this.c5;
    for (let i = 0; i < n; i++) {
      baud += STEPS_PER_SAMPLE;
      if (baud >= STEPS_PER_SYMBOL) {
        baud -= STEPS_PER_SYMBOL;
        c0 = c1;
        c1 = c2;
        c2 = c3;
        c3 = c4;
        c4 = c5;
        c5 = this.pulseStart(source.nextSymbol(), baud) - i;
      }
      const sum = (p[c0 + i] + p[c1 + i] + p[c2 + i] + p[c3 + i] + p[c4 + i] + p[c5 + i]) | 0;
      let y = (sum + (1 << (OLA_BITS - 1))) >> OLA_BITS;
      if (g !== null && this.silentRun < TX_SPAN_SYMBOLS) {
        y += (Math.imul(g.sin[this.guardPhase], this.guardAmp) + 0x4000) >> 15;
        this.guardPhase = this.guardPhase + 1 === g.period ? 0 : this.guardPhase + 1;
      }
      out[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
    this.baudPhase = baud;
    this.c0 = c0 + n;
    this.c1 = c1 + n;
    this.c2 = c2 + n;
    this.c3 = c3 + n;
    this.c4 = c4 + n;
    this.c5 = c5 + n;
  }

  /** The table index of the first entry of point `index`'s pulse (or of the zeros, SILENT) arrived `arrival` steps ago. */
  private pulseStart(index: number, arrival: number): number {
    this.silentRun = index === SILENT ? this.silentRun + 1 : 0;
    this.symbols++;
    return index === SILENT ? SILENT_PULSE : (index * ARRIVAL_PHASES + arrival) * PULSE_SAMPLES;
  }

  reset(): void {
    this.c0 = this.c1 = this.c2 = this.c3 = this.c4 = this.c5 = SILENT_PULSE;
    this.baudPhase = 0;
    this.guardPhase = 0;
    this.symbols = 0;
    this.silentRun = TX_SPAN_SYMBOLS;
  }
}

/**
 * The passband pulses, construction time: for each point and arrival phase b, sample m after arrival lies b + 3m
 * steps after the symbol, weighed by coeffs[(b + 3m) mod 40 · 6 + ⌊(b + 3m)/40⌋], on the carrier at the phase it has
 * at that sample. A symbol arriving b steps before a sample does so at sample index ≡ (27b − 1) mod 40 (3·27 ≡ 1),
 * counting from the modulator's start, when the baud clock and the carrier table both began at 0.
 */
function passbandPulses(coeffs: Int16Array, carrier: CarrierTable): Int32Array {
  const pulses = new Int32Array(SILENT_PULSE + SILENT_SAMPLES);
  for (let b = 0; b < ARRIVAL_PHASES; b++) {
    const at = (((27 * b - 1) % CYCLE_SAMPLES) + CYCLE_SAMPLES) % CYCLE_SAMPLES;
    for (let m = 0; m < PULSE_SAMPLES; m++) {
      const s = b + STEPS_PER_SAMPLE * m;
      const c = coeffs[(s % STEPS_PER_SYMBOL) * TX_SPAN_SYMBOLS + Math.floor(s / STEPS_PER_SYMBOL)];
      const ph = (at + m) % carrier.period;
      for (let point = 0; point < 16; point++) {
        // (re·c·cos − im·c·sin)/2^15 in Q(OLA_BITS): exact integers before the one rounding here.
        const v = POINT_RE[point] * c * carrier.cos[ph] - POINT_IM[point] * c * carrier.sin[ph];
        pulses[(point * ARRIVAL_PHASES + b) * PULSE_SAMPLES + m] = Math.round(v / 2 ** (15 - OLA_BITS));
      }
    }
  }
  return pulses;
}

/** Samples per symbol (40/3), for callers that count time. */
export const SAMPLES_PER_SYMBOL = SAMPLE_RATE / V22_BAUD;
