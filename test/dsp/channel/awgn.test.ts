import test from 'ava';
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { GAUSSIAN_ONE, GaussianNoise } from '../../../dsp/channel/gaussian.ts';
import { dbm0ToRms, meanSquareToDbm0 } from '../../../dsp/q15.ts';
import { db, meanSquare, snrDb, tone } from './helpers.ts';

test('Awgn: noise power is signalDbm0 − snrDb to ±0.1 dB, and the fixed point tracks a float model', (t) => {
  const figures: string[] = [];
  for (const [signalDbm0, snrDb_] of [[-10, 10], [-13, 20], [-20, 30], [-10, 50]]) {
    const awgn = new Awgn({ signalDbm0, snrDb: snrDb_, seed: 3 });
    const buf = new Int16Array(400_000);
    awgn.process(buf, buf.length);
    const measured = meanSquareToDbm0(meanSquare(buf));
    const expected = signalDbm0 - snrDb_;
    t.true(Math.abs(measured - expected) < 0.1, `${signalDbm0} dBm0 at ${snrDb_} dB: ${measured} vs ${expected}`);
    // Float reference: the same Gaussian draws times the exact sigma; the fixed point only adds rounding.
    const g = new GaussianNoise(3);
    const sigma = dbm0ToRms(expected);
    const reference = Float64Array.from(buf, () => (g.next() / GAUSSIAN_ONE) * sigma);
    const err = snrDb(reference, buf);
    figures.push(`${expected} dBm0: measured ${measured.toFixed(3)}, float-vs-fixed ${err.toFixed(1)} dB`);
    t.true(err > db(sigma * sigma * 12) - 0.5, 'error is the rounding to integers and no more');
  }
  t.log(figures.join('; '));
});

test('Awgn: SNR against a signal at the stated level, white over 0–4000 Hz', (t) => {
  const signal = tone(1000, -13, 80_000);
  const noisy = signal.slice();
  new Awgn({ signalDbm0: -13, snrDb: 15, seed: 9 }).process(noisy, noisy.length);
  const noise = noisy.map((v, i) => v - signal[i]);
  const measuredSnr = db(meanSquare(signal) / meanSquare(noise));
  t.true(Math.abs(measuredSnr - 15) < 0.1, `SNR ${measuredSnr}`);
  // Whiteness: lag-1 and lag-2 correlation coefficients are ~0, so the power is spread flat over 0–4000 Hz.
  for (const lag of [1, 2]) {
    let c = 0;
    for (let i = lag; i < noise.length; i++) c += noise[i] * noise[i - lag];
    t.true(Math.abs(c / (noise.length - lag) / meanSquare(noise)) < 0.02);
  }
});

test('Awgn.fromNoiseLevel: absolute level; saturation; validation; reset reproduces', (t) => {
  const a = Awgn.fromNoiseLevel(-40, 5);
  const buf = new Int16Array(200_000);
  a.process(buf, buf.length);
  t.true(Math.abs(meanSquareToDbm0(meanSquare(buf)) + 40) < 0.1);
  a.reset();
  const again = new Int16Array(200_000);
  a.process(again, again.length);
  t.deepEqual(again, buf);
  const loud = new Int16Array(1000).fill(32000);
  Awgn.fromNoiseLevel(0, 1).process(loud, loud.length);
  t.true(loud.every((v) => v >= -32768 && v <= 32767) && loud.includes(32767));
  t.throws(() => new Awgn({ signalDbm0: -10, snrDb: Number.NaN }), { message: /snrDb/ });
});
