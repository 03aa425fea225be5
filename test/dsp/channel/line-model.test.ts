import test from 'ava';
import { Attenuation } from '../../../dsp/channel/attenuation.ts';
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { BandLimit } from '../../../dsp/channel/band-limit.ts';
import { FlatDelay } from '../../../dsp/channel/delay.ts';
import { FrequencyOffset } from '../../../dsp/channel/frequency-offset.ts';
import { G711RoundTrip } from '../../../dsp/channel/g711.ts';
import { Gsm610RoundTrip } from '../../../dsp/channel/gsm610/round-trip.ts';
import { lineModel, type LineModelOptions } from '../../../dsp/channel/line-model.ts';
import { meanSquareToDbm0 } from '../../../dsp/q15.ts';
import { fitSine, tone } from './helpers.ts';

test('lineModel: stages in the order band limit, codec, offset, delay, attenuation, noise; none for an empty config', (t) => {
  t.is(lineModel({}).stages.length, 0);
  const chain = lineModel({ snrDb: 30, attenuationDb: 6, delayMs: 10, frequencyOffsetHz: 3, codec: 'gsm', bandLimit: true });
  t.deepEqual(
    chain.stages.map((s) => s.constructor),
    [BandLimit, Gsm610RoundTrip, FrequencyOffset, FlatDelay, Attenuation, Awgn],
  );
  t.true(lineModel({ codec: 'alaw' }).stages[0] instanceof G711RoundTrip);
});

test('lineModel: output is the stages applied one after another (same samples)', (t) => {
  const opts: LineModelOptions = { bandLimit: true, codec: 'ulaw', frequencyOffsetHz: -4, delayMs: 5, attenuationDb: 3, snrDb: 25, seed: 4 };
  const x = tone(1700, -10, 4000);
  const viaChain = x.slice();
  const chain = lineModel(opts);
  for (let i = 0; i < x.length; i += 160) chain.process(viaChain.subarray(i, i + 160), 160);
  const byHand = x.slice();
  for (const stage of [new BandLimit(), new G711RoundTrip('ulaw'), new FrequencyOffset(-4), new FlatDelay({ ms: 5 }), new Attenuation(3), new Awgn({ snrDb: 25, signalDbm0: -13, seed: 4 })]) {
    stage.process(byHand, byHand.length);
  }
  t.deepEqual(viaChain, byHand);
  chain.reset();
  const again = x.slice();
  chain.process(again, again.length);
  t.deepEqual(again, byHand, 'reset restarts every stage, the noise included');
});

test('lineModel: snrDb is what the receiver sees after the loss', (t) => {
  const y = tone(1004, -10, 40000);
  lineModel({ attenuationDb: 10, snrDb: 20, signalDbm0: -10, seed: 2 }).process(y, y.length);
  const { amplitude, residual } = fitSine(y, 1004);
  const snr = 10 * Math.log10((amplitude * amplitude) / 2 / residual);
  const level = meanSquareToDbm0((amplitude * amplitude) / 2);
  t.log(`received ${level.toFixed(2)} dBm0 at SNR ${snr.toFixed(2)} dB`);
  t.true(Math.abs(level + 20) < 0.05);
  t.true(Math.abs(snr - 20) < 0.15);
});

test('lineModel: a bad option throws an Error naming the key', (t) => {
  const bad: [unknown, RegExp][] = [
    [{ snrDb: 'high' }, /snrDb/],
    [{ codec: 'g729' }, /codec/],
    [{ bandLimit: 1 }, /bandLimit/],
    [{ delayMs: -5 }, /delayMs/],
    [{ frequencyOffsetHz: Number.NaN }, /frequencyOffsetHz/],
    [{ attenuationDb: 1000 }, /attenuationDb/],
    [{ seed: 1.5 }, /seed/],
    [{ signalDbm0: -10 }, /signalDbm0/],
    [{ noise: 3 }, /noise/],
  ];
  for (const [opts, message] of bad) t.throws(() => lineModel(opts as LineModelOptions), { message });
});
