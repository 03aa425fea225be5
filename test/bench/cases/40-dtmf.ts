/** DTMF receiver figures: Q.24 digits at 40/40 ms in noise, and talk-off in speech-like babble. */
import { DTMF_KEYS, DtmfDetector, DtmfGenerator } from '../../../dsp/tones/dtmf.ts';
import type { BenchCase, BenchRow } from '../row.ts';
import { addNoise, makeGaussian, makeRng, SpeechLikeSource } from '../../dsp/tones/signals.ts';

function digitsInNoise(levelDbm0: number, snrDb: number, rounds: number): BenchRow {
  let sent = 0;
  let detected = 0;
  let falseDigits = 0;
  for (let r = 0; r < rounds; r++) {
    const g = new DtmfGenerator({ lowDbm0: levelDbm0, highDbm0: levelDbm0, toneMs: 40, pauseMs: 40 });
    g.dial(DTMF_KEYS);
    const x = new Int16Array(Math.ceil((8 * (30 + r + 80 * 16 + 100)) / 160) * 160);
    const lead = 8 * (30 + r);
    g.process(x.subarray(lead), x.length - lead);
    addNoise(x, levelDbm0 + 3.01 - snrDb, makeGaussian(makeRng(r + 1)));
    const det = new DtmfDetector();
    let got = '';
    for (let i = 0; i < x.length; i += 160) got += det.process(x.subarray(i, i + 160), 160);
    sent += 16;
    // Greedy in-order match: a received digit is the next sent one (or a later one after misses), else false.
    let next = 0;
    for (const d of got) {
      const k = DTMF_KEYS.indexOf(d, next);
      if (k < 0) falseDigits++;
      else {
        detected++;
        next = k + 1;
      }
    }
  }
  return {
    kind: 'dtmf',
    modulation: 'dtmf',
    condition: `40/40 ms, ${levelDbm0} dBm0 per tone, ${snrDb} dB SNR`,
    digits_sent: sent,
    digits_detected: detected,
    false_digits: falseDigits,
    seconds: (sent * 80) / 1000,
  };
}

function talkOff(seconds: number, seed: number): BenchRow {
  const src = new SpeechLikeSource(seed, -15);
  const det = new DtmfDetector();
  const frame = new Int16Array(160);
  let falseDigits = 0;
  for (let f = 0; f < seconds * 50; f++) {
    src.fill(frame);
    falseDigits += det.process(frame, 160).length;
  }
  return {
    kind: 'dtmf',
    modulation: 'dtmf',
    condition: `speech-like babble −15 dBm0, seed ${seed}`,
    digits_sent: 0,
    digits_detected: 0,
    false_digits: falseDigits,
    seconds,
  };
}

const dtmfCase: BenchCase = async ({ quick }) => [
  digitsInNoise(-25, 15, quick ? 10 : 100),
  digitsInNoise(-25, 10, quick ? 10 : 100),
  digitsInNoise(-33, 15, quick ? 10 : 100),
  talkOff(quick ? 300 : 3600, 2024),
];
export default dtmfCase;
