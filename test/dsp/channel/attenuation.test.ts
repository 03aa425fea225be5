import test from 'ava';
import { Attenuation } from '../../../dsp/channel/attenuation.ts';
import { db, meanSquare, snrDb, tone } from './helpers.ts';

test('Attenuation: level change equals db, error against the float gain bounded', (t) => {
  const figures: string[] = [];
  for (const loss of [0, 0.5, 6, 20, 43, -6, -12]) {
    const x = tone(1000, -16, 8000);
    const y = x.slice();
    new Attenuation(loss).process(y, y.length);
    const gain = 10 ** (-loss / 20);
    const reference = Float64Array.from(x, (v) => v * gain);
    const change = db(meanSquare(x) / meanSquare(y));
    const err = snrDb(reference, y);
    figures.push(`${loss} dB: ${change.toFixed(3)} dB, error ${err.toFixed(1)} dB below`);
    // Below about −50 dBm0 the output tone is a few tens of LSB and its rounding moves the level by hundredths of a dB.
    t.true(Math.abs(change - loss) < (loss < 40 ? 0.02 : 0.1), `${loss} dB measured ${change}`);
    // Rounding to integers leaves noise of 1/12 LSB²; allow 3 dB over that bound (a periodic tone rounds unevenly).
    t.true(err > db(meanSquare(reference) * 12) - 3, `${loss} dB: error ${err} dB`);
  }
  t.log(figures.join('; '));
});

test('Attenuation: a gain saturates rather than wraps; validation', (t) => {
  const y = Int16Array.of(30000, -30000, 100);
  new Attenuation(-6).process(y, 3);
  t.deepEqual(Array.from(y), [32767, -32768, 200]);
  t.throws(() => new Attenuation(Number.NaN), { message: /db/ });
});
