import test from 'ava';
import { FrameErasures } from '../../../hal/codecs/index.ts';

function count(e: FrameErasures, n: number): number {
  let lost = 0;
  for (let i = 0; i < n; i++) if (e.next()) lost++;
  return lost;
}

test('frame erasures: rate 0 loses nothing, rate 1 everything', (t) => {
  t.is(count(new FrameErasures(0, 5), 100_000), 0);
  t.is(count(new FrameErasures(1, 5), 100_000), 100_000);
});

test('frame erasures: the lost fraction is the rate, within 4 standard deviations over 10^6 frames', (t) => {
  const n = 1_000_000;
  for (const rate of [1e-3, 0.01, 0.05, 0.3, 0.9]) {
    const lost = count(new FrameErasures(rate, 12345), n);
    const sd = Math.sqrt(n * rate * (1 - rate));
    t.true(Math.abs(lost - n * rate) < 4 * sd, `rate ${rate}: ${lost} of ${n}`);
  }
});

test('frame erasures: a seed gives one pattern, reset() starts it again, another seed another pattern', (t) => {
  const draw = (e: FrameErasures) => Array.from({ length: 2000 }, () => e.next());
  const a = new FrameErasures(0.1, 7);
  const first = draw(a);
  t.deepEqual(draw(new FrameErasures(0.1, 7)), first);
  a.reset();
  t.deepEqual(draw(a), first);
  t.notDeepEqual(draw(new FrameErasures(0.1, 8)), first);
});
