/**
 * Bit error rate of one Dialtone FSK channel over additive white Gaussian noise, counted exactly as the spandsp
 * peer counts it (test/interop/spandsp-modem.c, --ber-tx/--ber-rx): 0.2 s of mark, N bits of the ITU-T O.150
 * clause 5.3 PRBS 2^15−1 (x^15 + x^14 + 1, output inverted), then mark; a self-synchronising checker locks after
 * 32 correctly predicted bits, counts errors against a free-running reference and searches again when more than
 * 48 of the last 128 bits were wrong. Chain: FskModulator at −10 dBm0 → Awgn → FskDemodulator → SyncBitClock,
 * the clock taking each bit from the demodulator's three-bit sequence decision (decideBit) where the data pump
 * does (300 bit/s and up), else the per-sample decision at its sampling point.
 */
import { Awgn } from '../../dsp/channel/awgn.ts';
import { FskDemodulator } from '../../dsp/fsk/fsk-demodulator.ts';
import { FskModulator } from '../../dsp/fsk/fsk-modulator.ts';
import { FSK_CHANNELS } from '../../dsp/fsk/specs.ts';
import type { FskChannel } from '../../dsp/fsk/specs.ts';
import { SAMPLE_RATE } from '../../dsp/q15.ts';
import { SyncBitClock } from '../../dsp/uart/sync-bit-clock.ts';
import type { BitSink, BitSource } from '../../dsp/uart/bit-source.ts';

/** Dialtone's transmit level in these measurements, dBm0 (the pump's default). */
export const DIALTONE_BER_LEVEL_DBM0 = -10;

export interface BerResult {
  /** Bits compared after the checker aligned to the PRBS. */
  bits: number;
  errors: number;
  /** PRBS bits sent but not compared (before the first lock, or while searching after a slip). */
  missing: number;
  resyncs: number;
}

const PRBS_SEED = 0x7fff;

/** Register bit 0 holds the newest (uninverted) bit; stages 14 and 15 are bits 13 and 14. */
function prbsFeedback(reg: number): number {
  return ((reg >> 14) ^ (reg >> 13)) & 1;
}

/** O.150 clause 5.3 2^15−1 generator; output inverted. */
export class Prbs15 {
  constructor(public reg = PRBS_SEED) {}

  next(): number {
    const fb = prbsFeedback(this.reg);
    this.reg = ((this.reg << 1) | fb) & 0x7fff;
    return fb ^ 1;
  }
}

/** Mark for `pre` bits, `bits` PRBS bits, then mark for ever. */
class BerSource implements BitSource {
  private index = 0;
  private readonly prbs = new Prbs15();

  constructor(
    private readonly pre: number,
    private readonly bits: number,
  ) {}

  nextBit(): number {
    const i = this.index++;
    if (i < this.pre || i >= this.pre + this.bits) return 1;
    return this.prbs.next();
  }
}

const LOCK_RUN = 32;
const WINDOW = 128;
const WINDOW_BAD = 48;

/** The spandsp peer's checker, bit for bit, so that both implementations' figures mean the same thing. */
export class BerChecker implements BitSink {
  private locked = false;
  private reg = 0;
  private readonly gen = new Prbs15(0);
  private loaded = 0;
  private run = 0;
  private everLocked = false;
  private position = 0;
  private firstPosition = 0;
  private readonly window = new Uint8Array(WINDOW);
  private windowPos = 0;
  private windowErrors = 0;
  bits = 0;
  errors = 0;
  resyncs = 0;

  constructor(private readonly total: number) {}

  putBit(bit: number): void {
    if (this.everLocked && ++this.position > this.total) return; // the mark after the PRBS
    if (!this.locked) {
      const u = bit ^ 1;
      const ok = this.loaded >= 15 && this.reg !== 0 && prbsFeedback(this.reg) === u;
      this.run = ok ? this.run + 1 : 0;
      this.reg = ((this.reg << 1) | u) & 0x7fff;
      this.loaded++;
      if (this.run >= LOCK_RUN && this.reg !== 0) this.lock();
      return;
    }
    const err = this.gen.next() !== bit ? 1 : 0;
    this.reg = ((this.reg << 1) | (bit ^ 1)) & 0x7fff;
    this.bits++;
    this.errors += err;
    this.windowErrors += err - this.window[this.windowPos];
    this.window[this.windowPos] = err;
    this.windowPos = (this.windowPos + 1) % WINDOW;
    if (this.windowErrors > WINDOW_BAD) {
      this.locked = false;
      this.run = 0;
      this.resyncs++;
    }
  }

  private lock(): void {
    this.locked = true;
    this.gen.reg = this.reg;
    this.window.fill(0);
    this.windowErrors = 0;
    if (!this.everLocked) {
      this.everLocked = true;
      this.position = prbsPosition(this.reg);
      this.firstPosition = this.position;
    }
  }

  result(): BerResult {
    const expected = this.everLocked ? this.total - this.firstPosition : this.total;
    return { bits: this.bits, errors: this.errors, missing: expected - this.bits, resyncs: this.resyncs };
  }
}

/** How many bits a generator started from the seed has produced when its register equals `reg`. */
function prbsPosition(reg: number): number {
  const g = new Prbs15();
  for (let k = 0; k < 32767; k++) {
    if (g.reg === reg) return k;
    g.next();
  }
  return 0;
}

function channelNamed(name: string): FskChannel {
  const alias: Record<string, string> = { bell103orig: 'bell103ch1', bell103ans: 'bell103ch2' };
  const ch = FSK_CHANNELS[alias[name] ?? name];
  if (!ch) throw new Error(`unknown FSK channel ${name}; known: ${Object.keys(FSK_CHANNELS).join(', ')}`);
  return ch;
}

/**
 * BER of Dialtone's modulator and demodulator on `channelName` (a name from FSK_CHANNELS; note that Dialtone's
 * bell103ch1 is the ORIGINATE channel 1070/1270 Hz, the opposite of spandsp's naming; bell103orig/bell103ans are
 * accepted too) at `snrDb` (signal −10 dBm0 against white noise over 0–4000 Hz) over `bits` PRBS bits.
 * `sequenceDecisions: false` samples the per-sample decisions instead (the clock alone, for its tests).
 */
export function measureDialtoneBer(channelName: string, snrDb: number, bits: number, seed = 1, sequenceDecisions = true): BerResult {
  const ch = channelNamed(channelName);
  const spb = SAMPLE_RATE / ch.baud;
  const pre = Math.round(0.2 * ch.baud);
  const post = pre + 8;
  const total = Math.ceil(((pre + bits + post) * SAMPLE_RATE) / ch.baud);
  const source = new BerSource(pre, bits);
  const mod = new FskModulator(ch, DIALTONE_BER_LEVEL_DBM0);
  const noise = new Awgn({ snrDb, signalDbm0: DIALTONE_BER_LEVEL_DBM0, seed });
  const block = 160;
  const demod = new FskDemodulator(ch, { maxBlock: block });
  const clock = new SyncBitClock(spb);
  const checker = new BerChecker(bits);
  const buf = new Int16Array(block);
  for (let done = 0; done < total; done += block) {
    const n = Math.min(block, total - done);
    mod.process(buf, n, source);
    noise.process(buf, n);
    demod.process(buf, n);
    const decider = sequenceDecisions && demod.sequenceDetection ? demod : undefined;
    clock.process(demod.decisions, n, checker, decider, (demod.samples - n) | 0);
  }
  return checker.result();
}

/** Non-coherent binary FSK with orthogonal tones: Pe = ½·exp(−Eb/2N0), Eb/N0 = SNR + 10·log10(4000/baud) dB. */
export function theoryBer(snrDb: number, baud: number): number {
  const ebN0 = 10 ** ((snrDb + 10 * Math.log10(4000 / baud)) / 10);
  return 0.5 * Math.exp(-ebN0 / 2);
}

/** I0(z)·e^(−z), stable for any z ≥ 0. */
function besselI0Scaled(z: number): number {
  if (z < 20) {
    let term = 1;
    let sum = 1;
    const q = (z * z) / 4;
    for (let k = 1; k < 200 && term > 1e-17 * sum; k++) {
      term *= q / (k * k);
      sum += term;
    }
    return sum * Math.exp(-z);
  }
  const r = 1 / (8 * z);
  return (1 + r + (9 * r * r) / 2 + (225 * r * r * r) / 6) / Math.sqrt(2 * Math.PI * z);
}

/** Marcum Q1(a, b) = ∫_b^∞ x·exp(−(x² + a²)/2)·I0(a·x) dx, by Simpson's rule (bench use only). */
function marcumQ1(a: number, b: number): number {
  const steps = 20000;
  const span = 40;
  const h = span / steps;
  const f = (x: number): number => x * Math.exp(-((x - a) ** 2) / 2) * besselI0Scaled(a * x);
  let s = f(b) + f(b + span);
  for (let i = 1; i < steps; i++) s += (i & 1 ? 4 : 2) * f(b + i * h);
  return (s * h) / 3;
}

/**
 * Non-coherent binary FSK whose tones are not orthogonal over a bit: with complex correlation ρ = sinc(Δf·T)
 * (Proakis, Digital Communications, §5.4), Pe = Q1(a, b) − ½·exp(−(a² + b²)/2)·I0(a·b), a, b = √(Eb/2N0·(1 ∓ √(1 − ρ²))).
 * V.21, Bell 103 and V.23 forward have Δf·T = 2/3, Bell 202 5/6, V.23 backward 4/5: none is orthogonal (Δf·T = 1).
 * A reference, not a bound: at the higher SNRs Dialtone's measured rates fall between this and the orthogonal figure.
 */
export function theoryBerCorrelated(snrDb: number, channel: FskChannel): number {
  const ebN0 = 10 ** ((snrDb + 10 * Math.log10(4000 / channel.baud)) / 10);
  const x = (Math.abs(channel.markHz - channel.spaceHz) / channel.baud) * Math.PI;
  const rho = Math.abs(Math.sin(x) / x);
  const s = Math.sqrt(1 - rho * rho);
  const a = Math.sqrt((ebN0 / 2) * (1 - s));
  const b = Math.sqrt((ebN0 / 2) * (1 + s));
  return Math.max(0, marcumQ1(a, b) - 0.5 * Math.exp(-((b - a) ** 2) / 2) * besselI0Scaled(a * b));
}
