import test from 'ava';
import {
  CVSD_BETA,
  CVSD_DELTA_MAX,
  CVSD_DELTA_MIN,
  CVSD_FRACTION_BITS,
  CVSD_H,
  CVSD_J,
  CVSD_K,
  CVSD_RATE,
  CVSD_Y_MAX,
  CVSD_Y_MIN,
  CvsdDecoder,
  CvsdEncoder,
  CvsdRoundTrip,
} from '../../../dsp/channel/cvsd.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';
import { db, fitSine, tone } from './helpers.ts';

const ONE = 2 ** CVSD_FRACTION_BITS;

/**
 * Float reference of Bluetooth Core Vol 2 Part B §9.2, straight from its equations in real arithmetic: the
 * encoder's local decoder and the decoder are the same recursion on the bit stream.
 */
class FloatCvsd {
  xhat = 0;
  delta = CVSD_DELTA_MIN;
  bits: number[] = [0, 1, 0, 1]; // newest first: alternating, as CvsdState starts

  update(bit: number): number {
    this.bits.unshift(bit);
    this.bits.length = CVSD_K;
    const alpha = this.bits.slice(0, CVSD_J).every((b) => b === bit) ? 1 : 0;
    this.delta = alpha ? Math.min(this.delta + CVSD_DELTA_MIN, CVSD_DELTA_MAX) : Math.max(CVSD_BETA * this.delta, CVSD_DELTA_MIN);
    const yhat = this.xhat + (bit ? 1 : -1) * this.delta;
    const y = yhat >= 0 ? Math.min(yhat, CVSD_Y_MAX) : Math.max(yhat, CVSD_Y_MIN);
    this.xhat = CVSD_H * y;
    return this.xhat;
  }

  encode(x: number): number {
    const bit = x - this.xhat >= 0 ? 1 : 0;
    this.update(bit);
    return bit;
  }
}

/** A sine at 64 kHz, in 16-bit units. */
function wideTone(hz: number, peak: number, n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(peak * Math.sin((2 * Math.PI * hz * i) / CVSD_RATE)));
}

test('constants are those of Table 9.2', (t) => {
  t.is(CVSD_H, 31 / 32);
  t.is(CVSD_BETA, 1023 / 1024);
  t.is(CVSD_J, 4);
  t.is(CVSD_K, 4);
  t.is(CVSD_DELTA_MIN, 10);
  t.is(CVSD_DELTA_MAX, 1280);
  t.is(CVSD_Y_MAX, 2 ** 15 - 1);
  t.is(CVSD_Y_MIN, -(2 ** 15));
});

test('step: grows by δmin per bit on a run of J equal bits, up to δmax and no further', (t) => {
  const dec = new CvsdDecoder();
  const steps: number[] = [];
  for (let k = 0; k < 200; k++) {
    dec.decode(1);
    steps.push(dec.state.step / ONE);
  }
  // History starts 1010: after bit 1 it is 0101, after the second 1011, the third 0111 (no run), the fourth 1111.
  t.true(steps[0] < CVSD_DELTA_MIN + 1 && steps[1] < CVSD_DELTA_MIN + 1 && steps[2] < CVSD_DELTA_MIN + 1);
  for (let k = 3; k < 200; k++) {
    const expected = Math.min(CVSD_DELTA_MIN + (k - 2) * CVSD_DELTA_MIN, CVSD_DELTA_MAX);
    t.true(Math.abs(steps[k] - expected) < 1, `k=${k}: δ ${steps[k]}, expected ${expected}`);
  }
  t.is(Math.max(...steps), CVSD_DELTA_MAX);
  // The accumulator climbs toward the fixed point of x̂ = h(x̂ + δmax), which ymax caps.
  t.true(dec.state.estimate() > 30000);
});

test('step: decays by β per bit without a run, down to δmin and no further', (t) => {
  const dec = new CvsdDecoder();
  for (let k = 0; k < 200; k++) dec.decode(1); // δ at δmax
  const start = dec.state.step / ONE;
  t.is(start, CVSD_DELTA_MAX);
  const steps: number[] = [];
  for (let k = 0; k < 8000; k++) {
    dec.decode(k & 1); // alternating: never J equal bits
    steps.push(dec.state.step / ONE);
  }
  for (const k of [0, 10, 100, 1000, 2000]) {
    const expected = Math.max(start * CVSD_BETA ** (k + 1), CVSD_DELTA_MIN);
    t.true(Math.abs(steps[k] - expected) / expected < 0.01, `k=${k}: δ ${steps[k]}, expected ${expected}`);
  }
  // β^k·1280 reaches 10 after ln(128)/−ln(β) ≈ 4966 bits; it then holds at δmin.
  t.is(Math.min(...steps), CVSD_DELTA_MIN);
  t.is(steps[steps.length - 1], CVSD_DELTA_MIN);
});

test('slope overload: a fast full-scale tone is limited to the slope δmax·64000/s, a slow one is tracked', (t) => {
  const n = CVSD_RATE; // one second
  const fast = wideTone(3000, 30000, n);
  const enc = new CvsdEncoder();
  const dec = new CvsdDecoder();
  const out = new Float64Array(n);
  let atMax = 0;
  let maxSlope = 0;
  for (let i = 0; i < n; i++) {
    out[i] = dec.decode(enc.encode(fast[i]));
    if (enc.state.step === CVSD_DELTA_MAX * ONE) atMax++;
    if (i > 0) maxSlope = Math.max(maxSlope, Math.abs(out[i] - out[i - 1]));
  }
  // The accumulator can move at most δmax (plus the leak h's share) per sample: the 3 kHz tone's slope
  // 2π·3000·30000/64000 ≈ 8800 per sample is far beyond it.
  t.true(maxSlope <= CVSD_DELTA_MAX + (1 - CVSD_H) * CVSD_Y_MAX + 1, `max slope ${maxSlope}`);
  t.true(atMax > n / 2, `step at δmax for ${atMax} of ${n} bits`);
  let peak = 0;
  for (let i = n / 2; i < n; i++) peak = Math.max(peak, Math.abs(out[i]));
  t.true(peak < 0.4 * 30000, `overloaded output peak ${peak}`);

  const slowPeak = dbm0ToPeak(-10);
  const slow = wideTone(300, slowPeak, n);
  const enc2 = new CvsdEncoder();
  const dec2 = new CvsdDecoder();
  const out2 = Array.from(slow, (x) => dec2.decode(enc2.encode(x)));
  const fit = fitSine(decimate(out2), 300, 800);
  t.true(Math.abs(db((fit.amplitude / slowPeak) ** 2)) < 1, `300 Hz amplitude ${fit.amplitude} of ${slowPeak}`);
});

/** Every eighth sample of a 64 kHz signal (the fit helpers work at 8 kHz; the tone is far below 4 kHz). */
function decimate(x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i += 8) out.push(x[i]);
  return out;
}

test('decoder follows the encoder exactly from the bits alone', (t) => {
  const x = wideTone(1000, dbm0ToPeak(-10), 16000);
  const enc = new CvsdEncoder();
  const dec = new CvsdDecoder();
  for (let i = 0; i < x.length; i++) {
    dec.decode(enc.encode(x[i]));
    if (dec.state.accumulator !== enc.state.accumulator) return t.fail(`diverged at ${i}`);
  }
  t.pass();
});

test('fixed-point encoder against the float model: the same bits and the same quantisation noise', (t) => {
  for (const [hz, dbm0] of [
    [400, -10],
    [1200, -10],
    [2400, -20],
    [1800, -30],
  ]) {
    const x = wideTone(hz, dbm0ToPeak(dbm0), CVSD_RATE);
    const fixed = new CvsdEncoder();
    const fixedDec = new CvsdDecoder();
    const ref = new FloatCvsd();
    const refDec = new FloatCvsd();
    let same = 0;
    let sig = 0;
    let diff = 0;
    let errFixed = 0;
    let errFloat = 0;
    for (let i = 0; i < x.length; i++) {
      const b = fixed.encode(x[i]);
      const r = ref.encode(x[i]);
      if (b === r) same++;
      const yf = fixedDec.decode(b);
      const yr = refDec.update(r);
      sig += x[i] * x[i];
      diff += (yf - yr) ** 2;
      errFixed += (yf - x[i]) ** 2;
      errFloat += (yr - x[i]) ** 2;
    }
    const snrFixed = db(sig / errFixed);
    const snrFloat = db(sig / errFloat);
    t.log(`${hz} Hz ${dbm0} dBm0: bits agree ${((100 * same) / x.length).toFixed(1)} %, SNR fixed ${snrFixed.toFixed(2)} dB, float ${snrFloat.toFixed(2)} dB, fixed−float ${db(sig / diff).toFixed(1)} dB below the signal`);
    // A bit could flip where x(k) sits within rounding of x̂(k−1), and from there the two delta modulators would
    // follow different (equally good) bit paths; with 10 fraction bits that does not happen on these tones.
    t.true(same / x.length > 0.999, `${hz} Hz ${dbm0} dBm0: ${same} of ${x.length} bits agree`);
    t.true(Math.abs(snrFixed - snrFloat) < 0.1, `${hz} Hz ${dbm0} dBm0: SNR fixed ${snrFixed} dB, float ${snrFloat} dB`);
    t.true(db(sig / diff) > 60, `${hz} Hz ${dbm0} dBm0: fixed vs float ${db(sig / diff).toFixed(1)} dB below the signal`);
  }
});

test('fixed-point decoder against the float model on the same bits: within one unit of 16-bit scale (the output rounding), step within 0.01 %', (t) => {
  for (const [hz, peak] of [
    [400, dbm0ToPeak(-10)],
    [2400, dbm0ToPeak(-20)],
    [3000, 30000],
  ]) {
    const x = wideTone(hz, peak, CVSD_RATE);
    const enc = new CvsdEncoder();
    const dec = new CvsdDecoder();
    const ref = new FloatCvsd();
    let worst = 0;
    let worstStep = 0;
    for (let i = 0; i < x.length; i++) {
      const bit = enc.encode(x[i]);
      const y = dec.decode(bit);
      const r = ref.update(bit);
      worst = Math.max(worst, Math.abs(y - r));
      worstStep = Math.max(worstStep, Math.abs(dec.state.step / ONE - ref.delta) / ref.delta);
    }
    t.log(`${hz} Hz peak ${Math.round(peak)}: |x̂ fixed − x̂ float| ≤ ${worst.toFixed(3)}, step error ≤ ${(100 * worstStep).toFixed(3)} %`);
    t.true(worst <= 1, `${hz} Hz: worst ${worst}`);
    t.true(worstStep < 1e-4, `${hz} Hz: step ${worstStep}`);
  }
});

test('round trip at 8 kHz: tones in the voice band come back at their level, with the delta modulation noise', (t) => {
  const stage = new CvsdRoundTrip();
  const n = 8000;
  for (const [hz, dbm0, minSnr] of [
    [600, -10, 20],
    [1200, -10, 20],
    [1800, -20, 15],
  ]) {
    stage.reset();
    const x = tone(hz, dbm0, n);
    const y = Int16Array.from(x);
    for (let at = 0; at < n; at += 160) {
      const frame = y.subarray(at, at + 160);
      stage.process(frame, 160);
    }
    const fit = fitSine(y, hz, 800);
    const gainDb = db((fit.amplitude / dbm0ToPeak(dbm0)) ** 2);
    const snr = db(fit.amplitude ** 2 / 2 / fit.residual);
    t.log(`${hz} Hz ${dbm0} dBm0: gain ${gainDb.toFixed(2)} dB, SNR ${snr.toFixed(1)} dB`);
    t.true(Math.abs(gainDb) < 1.5, `${hz} Hz gain ${gainDb} dB`);
    t.true(snr > minSnr, `${hz} Hz SNR ${snr} dB`);
  }
});

test('round trip: any block length gives the same samples as 160-sample frames', (t) => {
  const x = tone(1000, -10, 1600);
  const a = Int16Array.from(x);
  const b = Int16Array.from(x);
  const s1 = new CvsdRoundTrip();
  const s2 = new CvsdRoundTrip();
  for (let at = 0; at < 1600; at += 160) s1.process(a.subarray(at), 160);
  s2.process(b, 1600);
  t.deepEqual(a, b);
});
