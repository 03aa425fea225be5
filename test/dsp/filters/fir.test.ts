import test from 'ava';
import { designBandpass } from '../../../dsp/filters/fir-design.ts';
import { FirFilter } from '../../../dsp/filters/fir.ts';
import { mulberry32 } from '../../helpers/random.ts';

/** The direct form written out in the test: Σ x[i−k]·q[k] over the quantised taps, rounded and saturated. */
function reference(fir: FirFilter, x: Int16Array): Int16Array {
  const q = Array.from(fir.coeffs).reverse(); // coeffs are stored reversed
  const out = new Int16Array(x.length);
  const round = fir.shift > 0 ? 2 ** (fir.shift - 1) : 0;
  for (let i = 0; i < x.length; i++) {
    let acc = 0;
    for (let k = 0; k < q.length && k <= i; k++) acc += x[i - k] * q[k];
    const y = Math.floor((acc + round) / 2 ** fir.shift);
    out[i] = Math.max(-32768, Math.min(32767, y));
  }
  return out;
}

function noise(n: number, seed: number, full = false): Int16Array {
  const r = mulberry32(seed);
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = full ? (r() < 0.5 ? -32768 : 32767) : Math.round((r() * 2 - 1) * 20000);
  return x;
}

test('a linear-phase design takes the folded path and matches the direct sum bit for bit (odd and even lengths)', (t) => {
  for (const taps of [129, 64, 31]) {
    for (const full of [false, true]) {
      const fir = new FirFilter(designBandpass(taps, 270, 3480, 8000, 'hamming'));
      t.true(fir.symmetric, `${taps} taps`);
      const x = noise(1000, taps, full);
      const y = new Int16Array(x.length);
      for (let i = 0; i < x.length; i += 160) fir.process(x.subarray(i), y.subarray(i), Math.min(160, x.length - i));
      t.deepEqual(y, reference(fir, x), `${taps} taps, ${full ? 'full-scale' : 'random'} input`);
    }
  }
});

test('an asymmetric filter keeps the direct path', (t) => {
  const fir = new FirFilter([0.5, 0.25, -0.125, 0.0625]);
  t.false(fir.symmetric);
  const x = noise(500, 7);
  const y = new Int16Array(x.length);
  fir.process(x, y, x.length);
  t.deepEqual(y, reference(fir, x));
});
