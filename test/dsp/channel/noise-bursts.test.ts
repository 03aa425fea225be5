import test from 'ava';
import { NoiseBursts } from '../../../dsp/channel/noise-bursts.ts';

test('noise only inside the bursts: 200 ms every 5 s, at the level of the SNR asked for', (t) => {
  const stage = new NoiseBursts({ periodMs: 5000, burstMs: 200, firstAtMs: 1000, snrDb: 0, signalDbm0: -10, seed: 2 });
  const buf = new Int16Array(160);
  const noisy: number[] = [];
  let power = 0;
  let count = 0;
  for (let f = 0; f < 500; f++) {
    buf.fill(0);
    stage.process(buf, 160);
    const e = buf.reduce((s, v) => s + v * v, 0);
    if (e > 0) noisy.push(f);
    if (e > 0) {
      power += e;
      count += 160;
    }
  }
  // frames 50–59 (1.0–1.2 s), 300–309 (6.0–6.2 s)
  t.deepEqual(noisy, [...Array.from({ length: 10 }, (_, k) => 50 + k), ...Array.from({ length: 10 }, (_, k) => 300 + k)]);
  // −10 dBm0 noise: rms = 32767 · 10^((−10 − 3.14)/20) / √2 (a full-scale sine is +3.14 dBm0), float reference
  const rms = Math.sqrt(power / count);
  const expected = (32767 * 10 ** (-13.14 / 20)) / Math.SQRT2;
  t.true(Math.abs(20 * Math.log10(rms / expected)) < 0.3, `${rms} vs ${expected}`);
});
