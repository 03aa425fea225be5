import test from 'ava';
import { Biquad, BiquadCascade, biquadMagnitude, designBiquad, type BiquadDesign } from '../../../dsp/filters/biquad.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';
import { addNoise, makeGaussian, makeRng } from '../tones/signals.ts';

/** Float reference: direct form I in double precision, no quantisation. */
function floatBiquad(d: BiquadDesign, x: ArrayLike<number>, clip = false): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    let v = d.b0 * x[i] + d.b1 * x1 + d.b2 * x2 - d.a1 * y1 - d.a2 * y2;
    if (clip) v = Math.max(-32768, Math.min(32767, v));
    x2 = x1;
    x1 = x[i];
    y2 = y1;
    y1 = v;
    y[i] = v;
  }
  return y;
}

function errorDb(ref: Float64Array, got: Int16Array, from: number): number {
  let e = 0;
  let s = 0;
  for (let i = from; i < ref.length; i++) {
    e += (ref[i] - got[i]) ** 2;
    s += ref[i] ** 2;
  }
  return 10 * Math.log10(e / s);
}

function sine(n: number, f: number, dbm0: number): Int16Array {
  const a = dbm0ToPeak(dbm0);
  return Int16Array.from({ length: n }, (_, i) => Math.round(a * Math.sin((2 * Math.PI * f * i) / 8000)));
}

test('cookbook designs meet their definitions', (t) => {
  const lp = designBiquad('lowpass', 1000, Math.SQRT1_2);
  t.true(Math.abs(biquadMagnitude(lp, 0) - 1) < 1e-12);
  t.true(Math.abs(20 * Math.log10(biquadMagnitude(lp, 1000)) + 3.0103) < 0.01); // Butterworth −3 dB at fc
  const hp = designBiquad('highpass', 300, Math.SQRT1_2);
  t.true(Math.abs(biquadMagnitude(hp, 4000) - 1) < 1e-12);
  const bp = designBiquad('bandpass', 1300, 5);
  t.true(Math.abs(biquadMagnitude(bp, 1300) - 1) < 1e-12);
  const notch = designBiquad('notch', 2100, 10);
  t.true(biquadMagnitude(notch, 2100) < 1e-9);
  t.throws(() => designBiquad('lowpass', 4000, 1));
});

test('fixed point tracks the float reference on noise for every kind (error ≤ −50 dB)', (t) => {
  const gauss = makeGaussian(makeRng(7));
  const x = new Int16Array(16000);
  addNoise(x, -10, gauss);
  const cases: [string, Biquad][] = [
    ['lowpass 1000', Biquad.lowpass(1000)],
    ['highpass 300', Biquad.highpass(300)],
    ['bandpass 425 Q8', Biquad.bandpass(425, 8)],
    ['notch 2100 Q10', Biquad.notch(2100, 10)],
    ['notch 350 Q2', Biquad.notch(350, 2)],
  ];
  for (const [name, f] of cases) {
    const y = new Int16Array(x.length);
    f.process(x, y, x.length);
    const err = errorDb(floatBiquad(f.design, x), y, 0);
    t.log(`${name}: Q${f.fracBits}, error ${err.toFixed(1)} dB`);
    t.true(err < -50, name);
  }
});

test('a −50 dBm0 tone through a narrow band-pass keeps its level (within 0.2 dB of float)', (t) => {
  const f = Biquad.bandpass(440, 20);
  const x = sine(8000, 440, -50);
  const y = new Int16Array(x.length);
  f.process(x, y, x.length);
  const ref = floatBiquad(f.design, x);
  let ey = 0;
  let er = 0;
  for (let i = 4000; i < x.length; i++) {
    ey += y[i] * y[i];
    er += ref[i] * ref[i];
  }
  const diff = 10 * Math.log10(ey / er);
  t.log(`level difference ${diff.toFixed(3)} dB`);
  t.true(Math.abs(diff) < 0.2);
});

test('worst-case full-scale input does not wrap (saturates instead)', (t) => {
  const rng = makeRng(3);
  const x = Int16Array.from({ length: 8000 }, () => (rng() < 0.5 ? -32768 : 32767));
  for (const f of [Biquad.notch(50, 1), Biquad.bandpass(3900, 0.3), Biquad.lowpass(3800, 4)]) {
    const y = new Int16Array(x.length);
    f.process(x, y, x.length);
    // Reference saturates its output the same way; a wrap would show as an error of order 65536.
    const ref = floatBiquad(f.design, x, true);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(ref[i] - y[i]));
    t.log(`Q${f.fracBits}: worst error ${worst.toFixed(1)}`);
    t.true(worst < 2048, `worst ${worst}`);
    const sum = f.coeffs.reduce((s, c) => s + Math.abs(c), 0);
    t.true(32768 * sum + (1 << f.fracBits) < 2 ** 31);
  }
});

test('a cascade of two sections equals the sections applied in turn', (t) => {
  const x = sine(800, 1000, -10);
  const a = new Int16Array(x.length);
  new BiquadCascade([Biquad.highpass(300), Biquad.lowpass(3000)]).process(x, a, x.length);
  const b = new Int16Array(x.length);
  Biquad.highpass(300).process(x, b, x.length);
  Biquad.lowpass(3000).process(b, b, x.length);
  t.deepEqual(a, b);
});
