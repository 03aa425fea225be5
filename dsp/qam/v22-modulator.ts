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

/** Extra fractional bits kept in the overlap-add accumulator (rounded away once per output sample). */
const OLA_BITS = 8;
/** Output samples one symbol's pulse touches: 6 symbol periods of 40/3 samples. */
const PULSE_SAMPLES = (STEPS_PER_SYMBOL * TX_SPAN_SYMBOLS) / STEPS_PER_SAMPLE;
/** Samples produced per pass over the overlap-add buffer (one 20 ms frame). */
const CHUNK = 160;
/** Symbol arrival phases: a symbol arrives 0, 1 or 2 steps (1/24000 s) before a sample; three symbols are 40 samples. */
const ARRIVAL_PHASES = STEPS_PER_SAMPLE;
/** Samples in which the baud and carrier (period 10, 20 or 40 samples at 2400, 1200 or 1800 Hz) both repeat. */
const CYCLE_SAMPLES = STEPS_PER_SYMBOL;

/**
 * V.22 / V.22bis modulator: 600 baud symbols through a square-root raised-cosine pulse onto the carrier, plus the
 * optional guard tone. Three symbols take exactly 40 samples, a whole number of carrier periods, so a symbol arriving
 * at a given step of that cycle always meets the carrier at the same phase: the passband pulse of each of the 16
 * points for each of the three arrival phases is computed at construction (the polyphase coefficients of
 * modulatorTable times the carrier table, as exact integer products), and per symbol the modulator adds the 80
 * samples of its pulse into an overlap-add buffer; per sample it takes one sum out and rounds it. That is the same
 * arithmetic as filtering the symbols and mixing every sample, with 6 adds per sample instead of 14 products.
 */
export class V22Modulator {
  /** pulses[((point · 3 + arrival) · 80 + m)]: the point's contribution m samples after it arrived, Q(OLA_BITS). */
  private readonly pulses: Int32Array;
  /** Overlap-add buffer: [0, CHUNK) the samples of this pass, then the tails of the pulses reaching beyond it. */
  private readonly ola = new Int32Array(CHUNK + PULSE_SAMPLES);
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
    for (let start = 0; start < n; start += CHUNK) this.chunk(out, start, Math.min(CHUNK, n - start), source);
  }

  private chunk(out: Int16Array, start: number, n: number, source: SymbolSource): void {
    const ola = this.ola;
    let baud = this.baudPhase;
    const g = this.guard;
    for (let i = 0; i < n; i++) {
      baud += STEPS_PER_SAMPLE;
      if (baud >= STEPS_PER_SYMBOL) {
        baud -= STEPS_PER_SYMBOL;
        this.push(source.nextSymbol(), baud, i);
      }
      let y = (ola[i] + (1 << (OLA_BITS - 1))) >> OLA_BITS;
      if (g !== null && this.silentRun < TX_SPAN_SYMBOLS) {
        y += (Math.imul(g.sin[this.guardPhase], this.guardAmp) + 0x4000) >> 15;
        this.guardPhase = this.guardPhase + 1 === g.period ? 0 : this.guardPhase + 1;
      }
      out[start + i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
    this.baudPhase = baud;
    // The tails become the start of the next pass.
    ola.copyWithin(0, n, n + PULSE_SAMPLES);
    ola.fill(0, PULSE_SAMPLES, n + PULSE_SAMPLES);
  }

  /** Add the pulse of point `index` (or nothing, SILENT), arrived `arrival` steps before sample `at` of this pass. */
  private push(index: number, arrival: number, at: number): void {
    this.silentRun = index === SILENT ? this.silentRun + 1 : 0;
    this.symbols++;
    if (index === SILENT) return;
    const p = this.pulses;
    const base = (index * ARRIVAL_PHASES + arrival) * PULSE_SAMPLES - at;
    const ola = this.ola;
    // Four samples a turn (PULSE_SAMPLES, 80, is a multiple of 4): the loop overhead is much of the cost of an add.
    for (let k = at; k < at + PULSE_SAMPLES; k += 4) {
      ola[k] = (ola[k] + p[base + k]) | 0;
      ola[k + 1] = (ola[k + 1] + p[base + k + 1]) | 0;
      ola[k + 2] = (ola[k + 2] + p[base + k + 2]) | 0;
      ola[k + 3] = (ola[k + 3] + p[base + k + 3]) | 0;
    }
  }

  reset(): void {
    this.ola.fill(0);
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
  const pulses = new Int32Array(16 * ARRIVAL_PHASES * PULSE_SAMPLES);
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
