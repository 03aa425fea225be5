import test from 'ava';
import { COUNTRIES, SIT, type CallProgressTone, type CountryCode } from '../../../dsp/tones/cadences.ts';
import { CallProgressDetector, CallProgressToneGenerator, type CallProgressState } from '../../../dsp/tones/call-progress.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';
import { addNoise, levelDbm0, makeGaussian, makeRng, SpeechLikeSource } from './signals.ts';

const TONES: CallProgressTone[] = ['dial-tone', 'ringback', 'busy', 'reorder', 'sit'];

/** Run `seconds` of a tone at `levelDbm0` per frequency with noise `snrDb` below the tone; returns states seen. */
function run(country: CountryCode, tone: CallProgressTone, seconds: number, levelDbm0 = -20, snrDb = 20, seed = 1) {
  const gen = new CallProgressToneGenerator(country, { levelDbm0 });
  gen.start(tone);
  const det = new CallProgressDetector(country);
  const gauss = makeGaussian(makeRng(seed));
  const nFreq = tone === 'sit' ? 1 : COUNTRIES[country].tones[tone].freqs.length;
  const noiseDbm0 = levelDbm0 + 10 * Math.log10(nFreq) - snrDb;
  const frame = new Int16Array(160);
  const seen: CallProgressState[] = [];
  let firstAt = -1;
  for (let f = 0; f < seconds * 50; f++) {
    gen.process(frame, 160);
    addNoise(frame, noiseDbm0, gauss);
    const s = det.process(frame);
    if (seen[seen.length - 1] !== s) seen.push(s);
    if (s === tone && firstAt < 0) firstAt = (f + 1) / 50;
  }
  return { seen, final: det.state, firstAt };
}

test('generators follow the cadence data (frequencies by float DFT, on/off times)', (t) => {
  const gen = new CallProgressToneGenerator('US', { levelDbm0: -20 });
  gen.start('busy');
  const x = new Int16Array(8000 * 2);
  gen.process(x, x.length);
  const bin = (from: number, f: number): number => {
    let re = 0;
    let im = 0;
    for (let i = 0; i < 800; i++) {
      re += x[from + i] * Math.cos((2 * Math.PI * f * i) / 8000);
      im += x[from + i] * Math.sin((2 * Math.PI * f * i) / 8000);
    }
    return (2 * Math.hypot(re, im)) / 800;
  };
  const a = dbm0ToPeak(-20);
  t.true(Math.abs(bin(0, 480) / a - 1) < 0.01 && Math.abs(bin(0, 620) / a - 1) < 0.01);
  t.true(bin(0, 440) < a * 0.05);
  t.true(Math.abs(levelDbm0(x.subarray(0, 4000)) - (-20 + 3.01)) < 0.05);
  t.true(x.subarray(4000, 8000).every((v) => v === 0)); // 0.5 s on, 0.5 s off
  t.true(levelDbm0(x.subarray(8000, 12000)) > -18);
  const sit = new CallProgressToneGenerator('EU');
  sit.start('sit');
  const y = new Int16Array(8 * 2000);
  sit.process(y, y.length);
  for (const [k, f] of SIT.freqs.entries()) {
    const seg = y.subarray(k * 2640 + 400, k * 2640 + 2400);
    let re = 0;
    let im = 0;
    seg.forEach((v, i) => {
      re += v * Math.cos((2 * Math.PI * f * i) / 8000);
      im += v * Math.sin((2 * Math.PI * f * i) / 8000);
    });
    t.true(Math.abs((2 * Math.hypot(re, im)) / seg.length / dbm0ToPeak(SIT.levelDbm0) - 1) < 0.01, `SIT ${f}`);
  }
});

for (const country of ['US', 'EU'] as CountryCode[]) {
  test(`${country}: each tone at −20 dBm0, 20 dB SNR, is classified as itself and as nothing else`, (t) => {
    for (const tone of TONES) {
      const r = run(country, tone, 13);
      t.log(`${tone}: ${r.seen.join(' → ')} (confirmed after ${r.firstAt} s)`);
      t.is(r.final, tone);
      t.deepEqual(
        r.seen.filter((s) => s !== 'unknown'),
        [tone],
      );
    }
  });
}

test('EU 425 Hz tones are accepted ±15 Hz off frequency', (t) => {
  for (const tone of ['dial-tone', 'busy'] as CallProgressTone[]) {
    for (const df of [-15, 15]) {
      const gen = new CallProgressToneGenerator('EU', { levelDbm0: -20, freqOffsetHz: df });
      gen.start(tone);
      const det = new CallProgressDetector('EU');
      const frame = new Int16Array(160);
      for (let f = 0; f < 250; f++) {
        gen.process(frame, 160);
        det.process(frame);
      }
      t.is(det.state, tone, `${tone} ${df}`);
    }
  }
});

test('speech-like sound is voice, a quiet line is silence', (t) => {
  const det = new CallProgressDetector('US');
  const src = new SpeechLikeSource(3, -18);
  const frame = new Int16Array(160);
  const seen = new Set<CallProgressState>();
  for (let f = 0; f < 500; f++) {
    src.fill(frame);
    seen.add(det.process(frame));
  }
  t.deepEqual([...seen].sort(), ['unknown', 'voice']);
  const quiet = new CallProgressDetector('EU');
  const gauss = makeGaussian(makeRng(8));
  for (let f = 0; f < 300; f++) {
    frame.fill(0);
    addNoise(frame, -55, gauss);
    quiet.process(frame);
  }
  t.is(quiet.state, 'silence');
});
