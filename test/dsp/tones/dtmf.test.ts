import test from 'ava';
import { DTMF_KEYS, DtmfDetector, DtmfGenerator, dtmfPair, type DtmfGeneratorOptions } from '../../../dsp/tones/dtmf.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';
import { addNoise, levelDbm0, makeGaussian, makeRng, SpeechLikeSource } from './signals.ts';

/** Send `digits` (after `leadMs` of silence), add noise `snrDb` below the two-tone power, detect in 20 ms frames. */
function roundTrip(digits: string, gen: DtmfGeneratorOptions, snrDb: number | null, seed = 1, leadMs = 30): string {
  const g = new DtmfGenerator(gen);
  g.dial(digits);
  const perDigit = (gen.toneMs ?? 70) + (gen.pauseMs ?? 70);
  const x = new Int16Array(Math.ceil(((leadMs + perDigit * digits.length + 100) * 8) / 160) * 160);
  const lead = leadMs * 8;
  g.process(x.subarray(lead), x.length - lead);
  if (snrDb !== null) {
    const lo = gen.lowDbm0 ?? -8;
    const hi = gen.highDbm0 ?? -6;
    const total = 10 * Math.log10(10 ** (lo / 10) + 10 ** (hi / 10));
    addNoise(x, total - snrDb, makeGaussian(makeRng(seed)));
  }
  const det = new DtmfDetector();
  let got = '';
  for (let i = 0; i < x.length; i += 160) got += det.process(x.subarray(i, i + 160), 160);
  return got;
}

test('generator: Q.23 frequency pairs at −8/−6 dBm0, against a float two-tone reference', (t) => {
  t.deepEqual(dtmfPair('1'), [697, 1209]);
  t.deepEqual(dtmfPair('0'), [941, 1336]);
  t.deepEqual(dtmfPair('D'), [941, 1633]);
  t.is(dtmfPair('x'), undefined);
  for (const d of DTMF_KEYS) {
    const g = new DtmfGenerator({ toneMs: 50, pauseMs: 50 });
    g.dial(d);
    const x = new Int16Array(800);
    g.process(x, 800);
    const [fl, fh] = dtmfPair(d)!;
    let worst = 0;
    for (let i = 0; i < 400; i++) {
      const ref = dbm0ToPeak(-8) * Math.sin((2 * Math.PI * fl * i) / 8000) + dbm0ToPeak(-6) * Math.sin((2 * Math.PI * fh * i) / 8000);
      worst = Math.max(worst, Math.abs(ref - x[i]));
    }
    t.true(worst < 3, `${d}: worst ${worst}`);
    t.true(Math.abs(levelDbm0(x.subarray(0, 400)) + 3.88) < 0.1); // −8 ⊕ −6 dBm0 = −3.88 dBm0
    t.true(x.subarray(400).every((v) => v === 0));
  }
  t.throws(() => new DtmfGenerator().dial('12E'));
});

test('all 16 digits at 40 ms tone / 40 ms pause, −25 dBm0 per tone, 15 dB SNR, at 10 alignments', (t) => {
  const digits = DTMF_KEYS.repeat(2);
  let errors = 0;
  for (let k = 0; k < 10; k++) {
    const got = roundTrip(digits, { lowDbm0: -25, highDbm0: -25, toneMs: 40, pauseMs: 40 }, 15, k + 1, 17 + 3 * k);
    if (got !== digits) {
      errors++;
      t.log(`seed ${k + 1}: got ${got}`);
    }
  }
  t.is(errors, 0);
});

test('Q.24 frequency tolerance: ±1.5 % accepted, ±3.5 % rejected, for every digit', (t) => {
  for (const e of [0.015, -0.015]) t.is(roundTrip(DTMF_KEYS, { freqError: e, toneMs: 50, pauseMs: 50 }, 20), DTMF_KEYS, `${e}`);
  for (const e of [0.035, -0.035, 0.05, -0.06]) t.is(roundTrip(DTMF_KEYS, { freqError: e, toneMs: 50, pauseMs: 50 }, 20), '', `${e}`);
});

test('durations: 40 ms tones with 40 ms pauses counted once each, 20 ms tones rejected, long tones counted once', (t) => {
  t.is(roundTrip('5555', { toneMs: 40, pauseMs: 40 }, 20), '5555');
  t.is(roundTrip('1234', { toneMs: 20, pauseMs: 60 }, 20), '');
  t.is(roundTrip('9', { toneMs: 2000, pauseMs: 40 }, 20), '9');
});

test('twist and level limits', (t) => {
  const ok = (lowDbm0: number, highDbm0: number): boolean => roundTrip('8', { lowDbm0, highDbm0, toneMs: 60 }, 25) === '8';
  t.true(ok(-10, -6)); // reverse twist 4 dB
  t.true(ok(-6, -11)); // standard twist 5 dB
  t.false(ok(-14, -6)); // reverse twist 8 dB
  t.false(ok(-6, -16)); // standard twist 10 dB
  t.true(ok(-34, -34));
  t.false(ok(-40, -40));
  t.true(ok(-3, -3));
});

test('a third frequency in a group defeats the digit', (t) => {
  const g = new DtmfGenerator({ lowDbm0: -10, highDbm0: -10, toneMs: 100 });
  g.dial('5');
  const x = new Int16Array(1600);
  g.process(x, 1600);
  const a = dbm0ToPeak(-12);
  for (let i = 0; i < 800; i++) x[i] += Math.round(a * Math.sin((2 * Math.PI * 941 * i) / 8000));
  t.is(new DtmfDetector().process(x, x.length), '');
});

test('no false digit in 5 minutes of speech-like babble (the full hour runs in the bench)', (t) => {
  const src = new SpeechLikeSource(2024, -15);
  const det = new DtmfDetector();
  const frame = new Int16Array(160);
  let falseDigits = '';
  for (let f = 0; f < 5 * 60 * 50; f++) {
    src.fill(frame);
    falseDigits += det.process(frame, 160);
  }
  t.log(`false digits: '${falseDigits}'`);
  t.is(falseDigits, '');
});
