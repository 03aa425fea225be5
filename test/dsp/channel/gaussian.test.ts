import test from 'ava';
import { GAUSSIAN_ONE, GaussianNoise, gaussianFromWord } from '../../../dsp/channel/gaussian.ts';

/** Float reference: P(|Z| > z) by numerical integration of the normal density (Simpson), independent of the table. */
function tailReference(z: number): number {
  const steps = 20000;
  const hi = 12;
  const h = (hi - z) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const x = z + i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    sum += w * Math.exp((-x * x) / 2);
  }
  return (2 * ((sum * h) / 3)) / Math.sqrt(2 * Math.PI);
}

test('the word → z mapping matches the inverse normal tail to within the Q12 step and the table interpolation', (t) => {
  // For words spread over every octave of the tail, P(|Z| > |z|) of the returned z must equal p = v / 2^31.
  let worstDb = 0;
  for (let e = 0; e <= 26; e++) {
    for (const frac of [0, 0.123, 0.5, 0.777, 0.999]) {
      const v = Math.floor(2 ** (30 - e) * (1 + frac));
      const p = v / 2 ** 31;
      const z = gaussianFromWord(v) / GAUSSIAN_ONE;
      const tail = tailReference(z);
      worstDb = Math.max(worstDb, Math.abs(10 * Math.log10(tail / p)));
      t.is(gaussianFromWord(v | 0x80000000), -gaussianFromWord(v), 'bit 31 is the sign');
    }
  }
  t.log(`worst tail-probability error over p = 1 .. 2^-27: ${worstDb.toFixed(4)} dB`);
  t.true(worstDb < 0.05);
  t.true(gaussianFromWord(0) / GAUSSIAN_ONE > 6.1, 'deepest value at p = 2^-32 ≈ 6.23σ');
});

test('GaussianNoise: mean, variance and tails over 10^7 draws are those of N(0, 1)', (t) => {
  const n = 10_000_000;
  const g = new GaussianNoise(1);
  const thresholds = [3, 4, 4.5].map((z) => Math.round(z * GAUSSIAN_ONE));
  const counts = [0, 0, 0];
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const z = g.next();
    sum += z;
    sumSq += z * z;
    const a = z < 0 ? -z : z;
    if (a > thresholds[0]) {
      counts[0]++;
      if (a > thresholds[1]) {
        counts[1]++;
        if (a > thresholds[2]) counts[2]++;
      }
    }
  }
  const mean = sum / n / GAUSSIAN_ONE;
  const variance = sumSq / n / GAUSSIAN_ONE ** 2 - mean * mean;
  t.true(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  t.true(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
  const lines: string[] = [];
  [3, 4, 4.5].forEach((z, i) => {
    const p = tailReference(z);
    const expected = p * n;
    const sigma = Math.sqrt(expected * (1 - p));
    lines.push(`P(|z|>${z}) = ${(counts[i] / n).toExponential(3)} (exact ${p.toExponential(3)})`);
    t.true(Math.abs(counts[i] - expected) < 4 * sigma, `P(|z| > ${z}): ${counts[i]} vs ${expected.toFixed(1)} ± ${sigma.toFixed(1)}`);
  });
  t.log(`mean ${mean.toExponential(2)}, variance ${variance.toFixed(5)}; ${lines.join(', ')}`);
});

test('GaussianNoise: seedable and reproducible; different seeds differ', (t) => {
  const a = new GaussianNoise(7);
  const b = new GaussianNoise(7);
  const c = new GaussianNoise(8);
  const sa = Array.from({ length: 100 }, () => a.next());
  t.deepEqual(sa, Array.from({ length: 100 }, () => b.next()));
  t.notDeepEqual(sa, Array.from({ length: 100 }, () => c.next()));
  a.reset();
  t.deepEqual(sa, Array.from({ length: 100 }, () => a.next()));
});
