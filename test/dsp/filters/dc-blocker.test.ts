import test from 'ava';
import { DcBlocker } from '../../../dsp/filters/dc-blocker.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';
import { addNoise, makeGaussian, makeRng } from '../tones/signals.ts';

/** Float reference with the same (quantised) pole. */
function floatDc(a: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0;
  let y1 = 0;
  for (let i = 0; i < x.length; i++) {
    y1 = x[i] - x1 + a * y1;
    x1 = x[i];
    y[i] = y1;
  }
  return y;
}

test('removes a DC offset and passes a 1 kHz tone unchanged', (t) => {
  const dc = new DcBlocker(20);
  const a = dbm0ToPeak(-10);
  const n = 16000;
  const x = Int16Array.from({ length: n }, (_, i) => Math.round(3000 + a * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
  const y = new Int16Array(n);
  dc.process(x, y, n);
  let mean = 0;
  let power = 0;
  for (let i = 8000; i < n; i++) {
    mean += y[i];
    power += y[i] * y[i];
  }
  mean /= 8000;
  const gainDb = 10 * Math.log10(power / 8000 / ((a * a) / 2));
  // |H| = |1 − e^{−jw}| / |1 − a·e^{−jw}| for the one-pole blocker.
  const w = (2 * Math.PI * 1000) / 8000;
  const p = dc.pole / 16384;
  const expectDb = 20 * Math.log10(Math.hypot(1 - Math.cos(w), Math.sin(w)) / Math.hypot(1 - p * Math.cos(w), p * Math.sin(w)));
  t.log(`residual DC ${mean.toFixed(3)}, 1 kHz gain ${gainDb.toFixed(4)} dB (definition ${expectDb.toFixed(4)} dB)`);
  t.true(Math.abs(mean) < 0.5);
  t.true(Math.abs(gainDb - expectDb) < 0.01);
  t.true(Math.abs(gainDb) < 0.1);
});

test('−3 dB at the cutoff (first-order high-pass definition)', (t) => {
  const dc = new DcBlocker(50);
  const n = 32000;
  const x = Int16Array.from({ length: n }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 50 * i) / 8000)));
  const y = new Int16Array(n);
  dc.process(x, y, n);
  let p = 0;
  for (let i = 16000; i < n; i++) p += y[i] * y[i];
  const gainDb = 10 * Math.log10(p / 16000 / 5e7);
  t.log(`gain at cutoff ${gainDb.toFixed(2)} dB`);
  t.true(Math.abs(gainDb + 3) < 0.2);
});

test('fixed point tracks the float reference within 1 LSB rms, and a full-scale step saturates cleanly', (t) => {
  const dc = new DcBlocker(20);
  const x = new Int16Array(16000);
  addNoise(x, -20, makeGaussian(makeRng(9)));
  for (let i = 0; i < x.length; i++) x[i] += 500;
  const y = new Int16Array(x.length);
  dc.process(x, y, x.length);
  const ref = floatDc(dc.pole / 16384, x);
  let e = 0;
  for (let i = 0; i < x.length; i++) e += (ref[i] - y[i]) ** 2;
  const rms = Math.sqrt(e / x.length);
  t.log(`rms error ${rms.toFixed(3)} LSB`);
  t.true(rms < 1);
  const step = new Int16Array(4).fill(32767);
  const out = new Int16Array(4);
  const d2 = new DcBlocker(20);
  d2.process(Int16Array.of(-32768), new Int16Array(1), 1);
  d2.process(step, out, 4);
  t.is(out[0], 32767);
  t.true(out[1] > 32000 && out[3] > 31000);
});
