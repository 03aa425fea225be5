import test from 'ava';
import {
  AnswerToneDetector,
  AnswerToneGenerator,
  CallingToneDetector,
  CallingToneGenerator,
  type AnswerToneKind,
  type AnswerToneReport,
} from '../../../dsp/tones/answer-tone.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';
import { addNoise, levelDbm0, makeGaussian, makeRng, SpeechLikeSource } from './signals.ts';

function generate(gen: { process(o: Int16Array, n: number): void }, seconds: number): Int16Array {
  const out = new Int16Array(Math.round(seconds * 8000));
  for (let i = 0; i < out.length; i += 160) gen.process(out.subarray(i, i + 160), Math.min(160, out.length - i));
  return out;
}

/** Feed in 20 ms frames; returns the first time (s) each report appeared. */
function detect(det: AnswerToneDetector, x: Int16Array): Map<AnswerToneReport, number> {
  const first = new Map<AnswerToneReport, number>();
  for (let i = 0; i < x.length; i += 160) {
    const r = det.process(x.subarray(i, i + 160), Math.min(160, x.length - i));
    if (!first.has(r)) first.set(r, (i + 160) / 8000);
  }
  return first;
}

test('ANS/ANSpr generator matches the float definition: 2100 Hz, −13 dBm0, 180° every 450 ms', (t) => {
  const x = generate(new AnswerToneGenerator('ans-pr'), 2);
  const a = dbm0ToPeak(-13);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const flips = Math.floor(i / 3600); // V.25 §5: reversal every 450 ms = 3600 samples
    const ref = a * Math.sin((2 * Math.PI * 2100 * i) / 8000 + Math.PI * flips);
    worst = Math.max(worst, Math.abs(ref - x[i]));
  }
  t.log(`worst error against the float reference ${worst.toFixed(2)} LSB`);
  t.true(worst < 3);
  t.true(Math.abs(levelDbm0(x) + 13) < 0.05);
});

test('calling tone generator: 1300 Hz, 0.6 s on / 1.8 s off', (t) => {
  const x = generate(new CallingToneGenerator(), 4.8);
  const on = (s: number): boolean => levelDbm0(x.subarray(s * 8000, s * 8000 + 80)) > -20;
  t.true(on(0.01) && on(0.58) && !on(0.61) && !on(2.39) && on(2.41) && on(2.98) && !on(3.01));
  t.true(Math.abs(levelDbm0(x.subarray(0, 4800)) + 13) < 0.05);
});

const kinds: [AnswerToneKind, AnswerToneReport][] = [
  ['ans', 'ans'],
  ['ans-pr', 'ans-pr'],
  ['bell', 'bell'],
];
for (const [kind, expected] of kinds) {
  test(`${kind} at −13 and −40 dBm0, 20 dB SNR, is reported as ${expected}`, (t) => {
    for (const level of [-13, -40]) {
      const x = generate(new AnswerToneGenerator(kind, { levelDbm0: level }), 2.5);
      addNoise(x, level - 20, makeGaussian(makeRng(1)));
      const det = new AnswerToneDetector();
      const first = detect(det, x);
      t.log(`${kind} ${level} dBm0: ${[...first].map(([k, v]) => `${k}@${v}s`).join(' ')}; reversals ${det.reversals}`);
      t.is(det.report, expected);
      t.true((first.get(expected) ?? 99) <= (kind === 'ans-pr' ? 1.5 : 0.4));
      if (kind === 'ans') t.false(first.has('ans-pr'));
    }
  });
}

test('2100 Hz ±15 Hz accepted (V.25 §5), ±40 Hz and a −50 dBm0 tone rejected', (t) => {
  for (const [freqHz, level, ok] of [
    [2085, -13, true],
    [2115, -13, true],
    [2115, -13, true],
    [2060, -13, false],
    [2140, -13, false],
    [2100, -50, false],
  ] as const) {
    const x = generate(new AnswerToneGenerator('ans-pr', { freqHz, levelDbm0: level }), 2);
    const det = new AnswerToneDetector();
    detect(det, x);
    t.is(det.report !== 'none', ok, `${freqHz} Hz ${level} dBm0 → ${det.report}`);
    if (ok) t.is(det.report, 'ans-pr');
  }
});

test('speech-like babble, other tones and a calling tone are not answer tones', (t) => {
  const speech = new Int16Array(8000 * 60);
  new SpeechLikeSource(42, -15).fill(speech);
  addNoise(speech, -45, makeGaussian(makeRng(2)));
  t.log(`babble level ${levelDbm0(speech).toFixed(1)} dBm0`);
  const det = new AnswerToneDetector();
  t.deepEqual([...detect(det, speech).keys()], ['none']);
  for (const f of [1300, 1800, 2000, 2400]) {
    const x = generate(new AnswerToneGenerator('ans', { freqHz: f }), 1);
    const d = new AnswerToneDetector();
    detect(d, x);
    t.is(d.report, 'none', `${f} Hz`);
  }
});

test('calling tone detector: V.25 bursts detected, continuous 1300 Hz and speech not', (t) => {
  const x = generate(new CallingToneGenerator({ levelDbm0: -30 }), 5);
  addNoise(x, -50, makeGaussian(makeRng(4)));
  const det = new CallingToneDetector();
  let at = -1;
  for (let i = 0; i < x.length; i += 160) if (det.process(x.subarray(i, i + 160), 160) && at < 0) at = (i + 160) / 8000;
  t.log(`detected at ${at} s, bursts ${det.bursts}`);
  t.true(at > 0.6 && at < 0.7);
  t.is(det.bursts, 2); // bursts at 0 s and 2.4 s; the one starting at 4.8 s is cut short
  const steady = generate(new AnswerToneGenerator('ans', { freqHz: 1300 }), 5);
  const d2 = new CallingToneDetector();
  t.false(d2.process(steady, steady.length));
  const speech = new Int16Array(8000 * 30);
  new SpeechLikeSource(7, -15).fill(speech);
  const d3 = new CallingToneDetector();
  t.false(d3.process(speech, speech.length));
});
