import test from 'ava';
import { Resampler } from '../../../dsp/filters/resampler.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';

function sine(n: number, f: number, fs: number, dbm0 = -10): Int16Array {
  const a = dbm0ToPeak(dbm0);
  return Int16Array.from({ length: n }, (_, i) => Math.round(a * Math.sin((2 * Math.PI * f * i) / fs)));
}

/** Float reference: zero-stuff by L, filter with the prototype in double precision, keep every M-th sample. */
function floatResample(r: Resampler, x: Int16Array): Float64Array {
  const h = r.prototype;
  const L = r.up;
  const M = r.down;
  const outLen = Math.floor((x.length * L) / M);
  const y = new Float64Array(outLen);
  for (let k = 0; k < outLen; k++) {
    const u = k * M; // index at the up-sampled rate
    let acc = 0;
    for (let j = u % L; j < h.length && j <= u; j += L) acc += h[j] * x[(u - j) / L];
    y[k] = acc;
  }
  return y;
}

function run(r: Resampler, x: Int16Array, chunk = 160): Int16Array {
  const out = new Int16Array(r.maxOutput(x.length));
  const scratch = new Int16Array(r.maxOutput(chunk));
  let n = 0;
  for (let i = 0; i < x.length; i += chunk) {
    const got = r.process(x.subarray(i, Math.min(x.length, i + chunk)), Math.min(chunk, x.length - i), scratch);
    out.set(scratch.subarray(0, got), n);
    n += got;
  }
  return out.subarray(0, n);
}

/** Amplitude of the component at `f` (single-bin DFT over the steady part). */
function amplitudeAt(y: ArrayLike<number>, f: number, fs: number, from: number): number {
  let re = 0;
  let im = 0;
  const n = y.length - from;
  for (let i = from; i < y.length; i++) {
    re += y[i] * Math.cos((2 * Math.PI * f * i) / fs);
    im += y[i] * Math.sin((2 * Math.PI * f * i) / fs);
  }
  return (2 * Math.hypot(re, im)) / n;
}

const db = (x: number) => 20 * Math.log10(x);

test('the fixed-point converter follows the float reference within 65 dB (coefficient quantisation)', (t) => {
  for (const [fin, fout] of [
    [8000, 48000],
    [48000, 8000],
    [44100, 8000],
    [8000, 44100],
    [16000, 8000],
    [8000, 16000],
  ]) {
    const r = new Resampler(fin, fout);
    const x = sine(fin / 4, 1234, fin, -3);
    const ref = floatResample(new Resampler(fin, fout), x);
    const got = run(r, x, 97);
    t.is(got.length, ref.length, `${fin}→${fout} length`);
    let e = 0;
    let s = 0;
    for (let i = 0; i < ref.length; i++) {
      e += (ref[i] - got[i]) ** 2;
      s += ref[i] ** 2;
    }
    const errDb = 10 * Math.log10(e / s);
    t.true(errDb < -65, `${fin}→${fout}: error ${errDb.toFixed(1)} dB`);
  }
});

test('the modem band passes within 1 dB, both ways at 48 kHz, 44.1 kHz and 16 kHz', (t) => {
  for (const rate of [48000, 44100, 16000]) {
    for (const f of [300, 1000, 2400, 3300]) {
      const down = run(new Resampler(rate, 8000), sine(rate / 2, f, rate));
      const up = run(new Resampler(8000, rate), sine(4000, f, 8000));
      const ref = dbm0ToPeak(-10);
      const gDown = db(amplitudeAt(down, f, 8000, 400) / ref);
      const gUp = db(amplitudeAt(up, f, rate, rate / 20) / ref);
      t.true(Math.abs(gDown) < 1, `${rate}→8000 at ${f} Hz: ${gDown.toFixed(2)} dB`);
      t.true(Math.abs(gUp) < 1, `8000→${rate} at ${f} Hz: ${gUp.toFixed(2)} dB`);
    }
  }
});

test('what would fold into the modem band on decimation is at least 60 dB down', (t) => {
  for (const rate of [48000, 44100, 16000]) {
    // Tones above 4 kHz that land on 1000, 2000 or 3000 Hz after decimation to 8 kHz.
    for (const [f, alias] of [
      [5000, 3000],
      [6000, 2000],
      [7000, 1000],
      [9000, 1000],
      [15000, 1000],
    ]) {
      if (f >= rate / 2) continue;
      const y = run(new Resampler(rate, 8000), sine(rate / 2, f, rate, 0));
      const rel = db(amplitudeAt(y, alias, 8000, 400) / dbm0ToPeak(0));
      t.true(rel < -60, `${rate}: ${f} Hz appears at ${alias} Hz at ${rel.toFixed(1)} dB`);
    }
  }
});

test('images above 4 kHz are at least 60 dB down on interpolation', (t) => {
  const y = run(new Resampler(8000, 48000), sine(4000, 1000, 8000, 0));
  for (const image of [7000, 9000, 15000, 17000]) {
    const rel = db(amplitudeAt(y, image, 48000, 2400) / dbm0ToPeak(0));
    t.true(rel < -60, `image at ${image} Hz: ${rel.toFixed(1)} dB`);
  }
});

test('chunking does not change the output, and full-scale input saturates instead of wrapping', (t) => {
  const x = sine(4800, 700, 48000, 3);
  const a = run(new Resampler(48000, 8000), x, 480);
  const b = run(new Resampler(48000, 8000), x, 7);
  t.deepEqual(a, b);
  const square = Int16Array.from({ length: 800 }, (_, i) => ((i >> 4) & 1 ? 32767 : -32768));
  const y = run(new Resampler(8000, 48000), square);
  // The Gibbs overshoot of a full-scale square must clip at the rails, never wrap round to the other sign.
  let wrapped = 0;
  for (let i = 1; i < y.length; i++) if (Math.abs(y[i] - y[i - 1]) > 40000) wrapped++;
  t.is(wrapped, 0);
});

test('rejects rates that are not positive integers', (t) => {
  t.throws(() => new Resampler(0, 8000), { instanceOf: RangeError });
  t.throws(() => new Resampler(44100.5, 8000), { instanceOf: RangeError });
});
