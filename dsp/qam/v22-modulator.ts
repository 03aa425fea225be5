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

/**
 * V.22 / V.22bis modulator: 600 baud symbols through a square-root raised-cosine pulse (polyphase, at the 8000 Hz
 * output rate directly), onto the carrier from a one-period table (carrier-table.ts), plus the optional guard tone.
 * Per sample: 2·6 products for the pulse, two for the carrier, one for the guard tone.
 */
export class V22Modulator {
  private readonly coeffs: Int16Array;
  private readonly symRe = new Int8Array(2 * TX_SPAN_SYMBOLS); // doubled ring of the last symbols
  private readonly symIm = new Int8Array(2 * TX_SPAN_SYMBOLS);
  private symPos = 0;
  private baudPhase = 0;
  private phase = 0; // index into the carrier table
  private readonly carrier: CarrierTable;
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
    this.coeffs = modulatorTable(dataDbm0).coeffs;
    this.carrier = new CarrierTable(opts.carrierHz);
    this.guard = guard === 'none' ? null : new CarrierTable(guard);
    this.guardAmp = guard === 'none' ? 0 : Math.round(dbm0ToPeak(dataDbm0 - (guard === 1800 ? 6 : 3)));
  }

  /** Fill out[0..n) from `source`, which is asked for a symbol every 40/3 samples. */
  process(out: Int16Array, n: number, source: SymbolSource): void {
    const c = this.coeffs;
    const re = this.symRe;
    const im = this.symIm;
    const cos = this.carrier.cos;
    const sin = this.carrier.sin;
    const period = this.carrier.period;
    let phase = this.phase;
    let baud = this.baudPhase;
    for (let i = 0; i < n; i++) {
      baud += STEPS_PER_SAMPLE;
      if (baud >= STEPS_PER_SYMBOL) {
        baud -= STEPS_PER_SYMBOL;
        this.push(source.nextSymbol());
      }
      // re[symPos + j] is the symbol j periods old.
      const base = baud * TX_SPAN_SYMBOLS;
      const sp = this.symPos;
      let xr = 0;
      let xi = 0;
      for (let j = 0; j < TX_SPAN_SYMBOLS; j++) {
        const cj = c[base + j];
        xr = (xr + Math.imul(re[sp + j], cj)) | 0;
        xi = (xi + Math.imul(im[sp + j], cj)) | 0;
      }
      // At levels up to 0 dBm0, |x| < 2^16 and the carrier is Q15, so each product stays inside Int32.
      let y = ((Math.imul(xr, cos[phase]) >> 1) - (Math.imul(xi, sin[phase]) >> 1) + 0x2000) >> 14;
      phase = phase + 1 === period ? 0 : phase + 1;
      const g = this.guard;
      if (g !== null && this.silentRun < TX_SPAN_SYMBOLS) {
        y += (Math.imul(g.sin[this.guardPhase], this.guardAmp) + 0x4000) >> 15;
        this.guardPhase = this.guardPhase + 1 === g.period ? 0 : this.guardPhase + 1;
      }
      out[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
    this.phase = phase;
    this.baudPhase = baud;
  }

  private push(index: number): void {
    const pos = this.symPos === 0 ? TX_SPAN_SYMBOLS - 1 : this.symPos - 1;
    const r = index === SILENT ? 0 : POINT_RE[index];
    const m = index === SILENT ? 0 : POINT_IM[index];
    this.symRe[pos] = r;
    this.symRe[pos + TX_SPAN_SYMBOLS] = r;
    this.symIm[pos] = m;
    this.symIm[pos + TX_SPAN_SYMBOLS] = m;
    this.symPos = pos;
    this.silentRun = index === SILENT ? this.silentRun + 1 : 0;
    this.symbols++;
  }

  reset(): void {
    this.symRe.fill(0);
    this.symIm.fill(0);
    this.symPos = 0;
    this.baudPhase = 0;
    this.phase = 0;
    this.guardPhase = 0;
    this.symbols = 0;
    this.silentRun = TX_SPAN_SYMBOLS;
  }
}

/** Samples per symbol (40/3), for callers that count time. */
export const SAMPLES_PER_SYMBOL = SAMPLE_RATE / V22_BAUD;
