import test from 'ava';
import { FrequencyOffset } from '../../../dsp/channel/frequency-offset.ts';
import { designHilbert } from '../../../dsp/filters/hilbert.ts';
import { db, FS, snrDb, tone, toneAmplitude } from './helpers.ts';

/** Frequency of the strongest component near `guess`, by a 0.005 Hz search of the Hann-windowed DFT. */
function peakHz(x: Int16Array, guess: number, from: number): number {
  let best = guess;
  let bestA = 0;
  for (let f = guess - 0.5; f <= guess + 0.5; f += 0.005) {
    const a = toneAmplitude(x, f, from);
    if (a > bestA) {
      bestA = a;
      best = f;
    }
  }
  return best;
}

test('FrequencyOffset: a 1000 Hz tone comes out at 1000 + Δf (float DFT), for Δf from ±0.1 to ±20 Hz', (t) => {
  const figures: string[] = [];
  for (const hz of [0.1, -0.1, 2.5, -7, 20, -20]) {
    const y = tone(1000, -10, 24000);
    new FrequencyOffset(hz).process(y, y.length);
    const f = peakHz(y, 1000 + hz, 8000);
    figures.push(`${hz}: ${(f - 1000).toFixed(3)}`);
    t.true(Math.abs(f - (1000 + hz)) < 0.01, `Δf ${hz}: peak at ${f}`);
  }
  t.log(`requested: measured offset (Hz) ${figures.join(', ')}`);
});

test('FrequencyOffset: image (1000 − Δf and across the band) at least 30 dB down', (t) => {
  const figures: string[] = [];
  for (const [carrier, hz] of [[1000, 20], [1000, -7.5], [300, 20], [600, 15], [2400, -20], [3400, 10]]) {
    const y = tone(carrier, -10, 24000);
    new FrequencyOffset(hz).process(y, y.length);
    const wanted = toneAmplitude(y, carrier + hz, 8000);
    const image = toneAmplitude(y, carrier - hz, 8000);
    const suppression = db((wanted / image) ** 2);
    figures.push(`${carrier}${hz > 0 ? '+' : ''}${hz} Hz: ${suppression.toFixed(1)} dB`);
    t.true(suppression >= 30, `${carrier} Hz shifted by ${hz}: image ${suppression} dB down`);
  }
  t.log(`image suppression: ${figures.join(', ')}`);
});

test('FrequencyOffset: tracks a float model y = Re{(x + jH{x})·e^{j2πΔf t}} (error bounded in dB); any block size', (t) => {
  const hz = 12.5;
  const x = Int16Array.from({ length: 8000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 1200 * i) / FS) + 6000 * Math.sin((2 * Math.PI * 2200 * i) / FS + 0.3)));
  const y = x.slice();
  const stage = new FrequencyOffset(hz);
  for (let i = 0; i < y.length; i += 333) stage.process(y.subarray(i), Math.min(333, y.length - i));
  const h = designHilbert(63, 'hamming');
  const reference = Float64Array.from({ length: x.length }, (_, n) => {
    let q = 0;
    for (let k = 0; k < h.length && k <= n; k++) q += h[k] * x[n - k];
    const i = n >= 31 ? x[n - 31] : 0;
    const a = (2 * Math.PI * hz * n) / FS;
    return i * Math.cos(a) - q * Math.sin(a);
  });
  const err = snrDb(reference, y, 100);
  t.log(`float vs fixed: ${err.toFixed(1)} dB`);
  t.true(err > 65);
  t.throws(() => new FrequencyOffset(Number.NaN), { message: /hz/ });
});
