import test from 'ava';
import { BandLimit } from '../../../dsp/channel/band-limit.ts';
import { magnitudeAt } from '../../../dsp/filters/fir-design.ts';
import { db, meanSquare, snrDb, tone } from './helpers.ts';

/** Response in dB of the fixed-point stage to a −10 dBm0 tone, measured after the filter has settled. */
function measuredDb(hz: number): number {
  const x = tone(hz, -10, 4000);
  const y = x.slice();
  new BandLimit().process(y, y.length);
  return db(meanSquare(y, 1000) / meanSquare(x, 1000));
}

test('BandLimit: 300–3400 Hz pass band, 200 and 3700 Hz at least 20 dB down (measured on tones)', (t) => {
  const figures = [200, 300, 1000, 2000, 3400, 3700].map((hz) => [hz, measuredDb(hz)] as const);
  t.log(figures.map(([hz, v]) => `${hz} Hz: ${v.toFixed(2)} dB`).join(', '));
  const at = Object.fromEntries(figures);
  t.true(Math.abs(at[1000]) < 0.5);
  t.true(Math.abs(at[2000]) < 0.5);
  t.true(at[300] > -3 && at[3400] > -3, 'band edges within 3 dB');
  t.true(at[200] < -20 && at[3700] < -20);
});

test('BandLimit: the fixed-point filter tracks the float design (error bounded in dB)', (t) => {
  const stage = new BandLimit();
  const x = Int16Array.from({ length: 4000 }, (_, i) => Math.round(6000 * Math.sin(i * 0.7) + 5000 * Math.sin(i * 0.13)));
  const y = x.slice();
  stage.process(y, y.length);
  const h = stage.design;
  const reference = Float64Array.from(x, (_, n) => {
    let acc = 0;
    for (let k = 0; k < h.length && k <= n; k++) acc += h[k] * x[n - k];
    return acc;
  });
  const err = snrDb(reference, y, 200);
  t.log(`float vs fixed: ${err.toFixed(1)} dB`);
  t.true(err > 55);
  t.true(Math.abs(db(magnitudeAt(h, 1000, 8000) ** 2)) < 0.1);
});
