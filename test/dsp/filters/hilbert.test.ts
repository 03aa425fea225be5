import test from 'ava';
import { ComplexMixer, designHilbert, HilbertTransformer } from '../../../dsp/filters/hilbert.ts';

const FS = 8000;

function snrDb(reference: ArrayLike<number>, actual: ArrayLike<number>, from: number): number {
  let sig = 0;
  let err = 0;
  for (let i = from; i < reference.length; i++) {
    sig += reference[i] ** 2;
    err += (actual[i] - reference[i]) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

/** Complex response of a real FIR at hz, relative to a delay of `delay` samples. */
function response(h: Float64Array, hz: number, delay: number): { re: number; im: number } {
  let re = 0;
  let im = 0;
  for (let k = 0; k < h.length; k++) {
    const a = (-2 * Math.PI * hz * (k - delay)) / FS;
    re += h[k] * Math.cos(a);
    im += h[k] * Math.sin(a);
  }
  return { re, im };
}

test('designHilbert: antisymmetric, zero on even offsets, −j response (|H| within 0.1 dB) over 300–3700 Hz', (t) => {
  const h = designHilbert(63);
  const mid = 31;
  for (let j = 0; j <= mid; j++) {
    t.true(Math.abs(h[mid + j] + h[mid - j]) < 1e-15);
    if (j % 2 === 0) t.is(h[mid + j], 0);
  }
  let worst = 0;
  for (let hz = 300; hz <= 3700; hz += 50) {
    const r = response(h, hz, mid);
    t.true(Math.abs(r.re) < 1e-9, 'purely imaginary: exactly 90°');
    t.true(r.im < 0, '−j for positive frequencies');
    worst = Math.max(worst, Math.abs(20 * Math.log10(-r.im)));
  }
  t.log(`63 taps, Hamming: worst |H| error over 300–3700 Hz ${worst.toFixed(3)} dB`);
  t.true(worst < 0.1);
  t.throws(() => designHilbert(64), { message: /odd/ });
});

test('HilbertTransformer: re is x delayed, im tracks the float convolution (error bounded in dB)', (t) => {
  const hil = new HilbertTransformer(63);
  const n = 4000;
  const x = Int16Array.from({ length: n }, (_, i) =>
    Math.round(9000 * Math.sin((2 * Math.PI * 700 * i) / FS) + 7000 * Math.sin((2 * Math.PI * 2300 * i) / FS + 1)));
  const iq = new Int32Array(2 * n);
  for (let i = 0; i < n; i += 160) hil.process(x, iq.subarray(2 * i), Math.min(160, n - i), i);
  const h = hil.design;
  const reIm = Float64Array.from({ length: n }, (_, i) => {
    let acc = 0;
    for (let k = 0; k < h.length && k <= i; k++) acc += h[k] * x[i - k];
    return acc;
  });
  const re = Int32Array.from({ length: n }, (_, i) => iq[2 * i]);
  const im = Int32Array.from({ length: n }, (_, i) => iq[2 * i + 1]);
  t.deepEqual(Array.from(re.subarray(31)), Array.from(x.subarray(0, n - 31)));
  const err = snrDb(reIm, im, 100);
  t.log(`im vs float: ${err.toFixed(1)} dB`);
  t.true(err > 70);
  // Definition: H{cos} = sin, so im at 700 Hz lags re by 90°: im[n] ≈ 9000·(−cos) for the sine part.
  const ideal = Float64Array.from({ length: n }, (_, i) =>
    i < 31 ? 0 : -9000 * Math.cos((2 * Math.PI * 700 * (i - 31)) / FS) - 7000 * Math.cos((2 * Math.PI * 2300 * (i - 31)) / FS + 1));
  t.true(snrDb(ideal, im, 100) > 30);
});

test('ComplexMixer: rotating e^{jω0 n} gives e^{j(ω0 + Δω) n}, against a float model', (t) => {
  for (const hz of [13.5, -250, 0.1]) {
    const mixer = new ComplexMixer(hz);
    const n = 2000;
    const iq = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      iq[2 * i] = Math.round(20000 * Math.cos((2 * Math.PI * 1000 * i) / FS));
      iq[2 * i + 1] = Math.round(20000 * Math.sin((2 * Math.PI * 1000 * i) / FS));
    }
    const real = new Int16Array(n);
    const copy = iq.slice();
    mixer.rotate(iq, n);
    mixer.reset();
    mixer.rotateToReal(copy, real, n);
    const refRe = Float64Array.from({ length: n }, (_, i) => 20000 * Math.cos((2 * Math.PI * (1000 + hz) * i) / FS));
    const refIm = Float64Array.from({ length: n }, (_, i) => 20000 * Math.sin((2 * Math.PI * (1000 + hz) * i) / FS));
    const gotRe = Float64Array.from({ length: n }, (_, i) => iq[2 * i]);
    const gotIm = Float64Array.from({ length: n }, (_, i) => iq[2 * i + 1]);
    t.true(snrDb(refRe, gotRe, 0) > 70, `${hz} Hz re ${snrDb(refRe, gotRe, 0)}`);
    t.true(snrDb(refIm, gotIm, 0) > 70, `${hz} Hz im`);
    t.deepEqual(Array.from(real), Array.from(gotRe), 'rotateToReal is the real part of rotate');
  }
});
