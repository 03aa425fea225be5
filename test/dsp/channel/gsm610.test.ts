import test from 'ava';
import { spawnSync } from 'node:child_process';
import {
  FRAME_BYTES,
  Gsm610Decoder,
  Gsm610Encoder,
  Gsm610RoundTrip,
  packFrame,
  PARAM_BITS,
  unpackFrame,
} from '../../../dsp/channel/gsm610/index.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';

// Bit exactness is checked against libgsm's toast/untoast (Debian package libgsm-tools), an independent
// implementation of GSM 06.10. CI installs it; without it those tests are skipped, loudly.
const haveToast = spawnSync('toast', ['-h'], { stdio: 'ignore' }).error === undefined;
const withToast = haveToast ? test : test.skip;
if (!haveToast) console.warn('gsm610.test: toast/untoast not found (apt-get install libgsm-tools); bit-exact tests skipped');

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/**
 * A speech-like test signal: 20 harmonics of a pitch gliding between 90 and 210 Hz under a syllabic envelope, plus
 * noise; then stress segments (full-scale noise, a clipped square wave, silence, overdriven speech) to reach the
 * saturating paths of the arithmetic.
 */
function speechLike(frames: number, seed: number): Int16Array {
  const rnd = lcg(seed);
  const pcm = new Int16Array(frames * 160);
  let phase = 0;
  for (let i = 0; i < pcm.length; i++) {
    phase += (2 * Math.PI * (150 + 60 * Math.sin(i / 4000))) / 8000;
    let v = 0;
    for (let h = 1; h <= 20; h++) v += Math.sin(h * phase) / h;
    const speech = 8000 * (0.5 + 0.5 * Math.sin(i / 1500)) * v + 2000 * rnd();
    const segment = Math.floor(i / 8000) % 5;
    const x = [speech, 65536 * rnd(), i % 37 < 18 ? 32767 : -32768, 0, 6 * speech][segment];
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round(x)));
  }
  return pcm;
}

function toast(args: string[], input: Uint8Array): Uint8Array {
  const r = spawnSync(args[0], args.slice(1), { input });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

test('packFrame/unpackFrame: 76 parameters, 260 bits, 33 bytes with the 0xD signature', (t) => {
  t.is(PARAM_BITS.length, 76);
  t.is(
    PARAM_BITS.reduce((a, b) => a + b, 0),
    260,
  );
  const rnd = lcg(7);
  const params = Int16Array.from(PARAM_BITS, (w) => Math.floor((rnd() + 0.5) * (1 << w)));
  const bytes = new Uint8Array(FRAME_BYTES);
  packFrame(params, 0, bytes);
  t.is(bytes[0] >> 4, 0xd);
  const back = new Int16Array(76);
  t.true(unpackFrame(bytes, 0, back));
  t.deepEqual(back, params);
  bytes[0] = 0x10;
  t.false(unpackFrame(bytes, 0, back));
});

withToast('encoder is bit-exact with toast on every frame of 25 s of speech-like and stress signals', (t) => {
  const frames = 1250;
  const pcm = speechLike(frames, 12345);
  const reference = toast(['toast', '-l', '-c'], new Uint8Array(pcm.buffer));
  t.is(reference.length, frames * FRAME_BYTES);
  const encoder = new Gsm610Encoder();
  const params = new Int16Array(76);
  const refParams = new Int16Array(76);
  const mine = new Uint8Array(FRAME_BYTES);
  for (let f = 0; f < frames; f++) {
    encoder.encode(pcm, f * 160, params, 0);
    packFrame(params, 0, mine);
    if (!mine.every((b, i) => b === reference[f * FRAME_BYTES + i])) {
      unpackFrame(reference, f * FRAME_BYTES, refParams);
      const p = params.findIndex((v, i) => v !== refParams[i]);
      t.fail(`frame ${f} diverges at parameter ${p}: ${params[p]} vs toast ${refParams[p]}`);
      return;
    }
  }
  t.pass();
});

withToast('decoder is bit-exact with untoast, on toast frames and on random (corrupted) frames', (t) => {
  const good = toast(['toast', '-l', '-c'], new Uint8Array(speechLike(250, 99).buffer));
  const rnd = lcg(4242);
  const random = Uint8Array.from({ length: 250 * FRAME_BYTES }, () => Math.floor((rnd() + 0.5) * 256));
  for (let f = 0; f < 250; f++) random[f * FRAME_BYTES] = 0xd0 | (random[f * FRAME_BYTES] & 0xf);
  for (const [name, frames] of [
    ['toast', good],
    ['random', random],
  ] as const) {
    const reference = new Int16Array(toast(['untoast', '-l', '-c'], frames).slice().buffer);
    const decoder = new Gsm610Decoder();
    const params = new Int16Array(76);
    const out = new Int16Array(160);
    const n = frames.length / FRAME_BYTES;
    t.is(reference.length, n * 160);
    let firstBad = -1;
    for (let f = 0; f < n && firstBad < 0; f++) {
      t.true(unpackFrame(frames, f * FRAME_BYTES, params));
      decoder.decode(params, 0, out, 0);
      if (!out.every((v, k) => v === reference[f * 160 + k])) firstBad = f;
    }
    t.is(firstBad, -1, `${name} frames: first mismatching frame`);
  }
});

/** Least-squares fit of a sine at `hz` (any phase and gain); returns signal-to-residual ratio in dB. */
function sineSnrDb(y: Int16Array, from: number, hz: number): number {
  let ss = 0, sc = 0, cc = 0, ys = 0, yc = 0, yy = 0;
  for (let i = from; i < y.length; i++) {
    const s = Math.sin((2 * Math.PI * hz * i) / 8000);
    const c = Math.cos((2 * Math.PI * hz * i) / 8000);
    ss += s * s; sc += s * c; cc += c * c; ys += y[i] * s; yc += y[i] * c; yy += y[i] * y[i];
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  const fitted = a * ys + b * yc;
  return 10 * Math.log10(fitted / (yy - fitted));
}

function tone(hz: number, dbm0: number, n: number): Int16Array {
  const peak = dbm0ToPeak(dbm0);
  return Int16Array.from({ length: n }, (_, i) => Math.round(peak * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

test('Gsm610RoundTrip: one frame of latency, same samples as encoder + decoder, any block size', (t) => {
  const pcm = speechLike(20, 5);
  const encoder = new Gsm610Encoder();
  const decoder = new Gsm610Decoder();
  const expected = new Int16Array(pcm.length + 160);
  const params = new Int16Array(76);
  for (let f = 0; f < 20; f++) {
    encoder.encode(pcm, f * 160, params);
    decoder.decode(params, 0, expected, 160 + f * 160);
  }
  const stage = new Gsm610RoundTrip();
  const buf = pcm.slice();
  for (let i = 0; i < buf.length; i += 37) {
    const chunk = buf.subarray(i, Math.min(buf.length, i + 37));
    stage.process(chunk, chunk.length);
  }
  t.deepEqual(buf, expected.subarray(0, pcm.length));
});

/** Signal-to-distortion ratio (dB) of `y` against `x` delayed by `delay`, after the best-fitting gain. */
function delayedSnrDb(x: Int16Array, y: Int16Array, delay: number, from: number): number {
  let xy = 0, xx = 0, yy = 0;
  for (let i = from; i < y.length; i++) {
    const r = x[i - delay];
    xy += r * y[i]; xx += r * r; yy += y[i] * y[i];
  }
  const fitted = (xy * xy) / xx;
  return 10 * Math.log10(fitted / (yy - fitted));
}

/** Phase-continuous 1200/2200 Hz FSK (Bell 202 tones) at `baud` with random bits. */
function fsk(dbm0: number, n: number, baud: number, seed: number): { signal: Int16Array; bits: number[] } {
  const rnd = lcg(seed);
  const peak = dbm0ToPeak(dbm0);
  const signal = new Int16Array(n);
  const bits: number[] = [];
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const b = Math.floor((i * baud) / 8000);
    while (bits.length <= b) bits.push(rnd() < 0 ? 0 : 1);
    phase += (2 * Math.PI * (bits[b] ? 1200 : 2200)) / 8000;
    signal[i] = Math.round(peak * Math.sin(phase));
  }
  return { signal, bits };
}

/** Bit error rate of a crude detector comparing the 1200 and 2200 Hz energy over each bit of `y[i + delay]`. */
function fskBitErrorRate(y: Int16Array, bits: number[], baud: number, delay: number): number {
  const energy = (from: number, to: number, hz: number): number => {
    let re = 0;
    let im = 0;
    for (let i = from; i < to; i++) {
      re += y[i + delay] * Math.cos((2 * Math.PI * hz * i) / 8000);
      im += y[i + delay] * Math.sin((2 * Math.PI * hz * i) / 8000);
    }
    return re * re + im * im;
  };
  let errors = 0;
  for (let b = 10; b < bits.length - 10; b++) {
    const from = Math.ceil((b * 8000) / baud);
    const to = Math.ceil(((b + 1) * 8000) / baud);
    if ((energy(from, to, 1200) > energy(from, to, 2200) ? 1 : 0) !== bits[b]) errors++;
  }
  return errors / (bits.length - 20);
}

test('Gsm610RoundTrip: a −10 dBm0 sine and 1200/2200 Hz FSK survive with measurable distortion', (t) => {
  const figures: string[] = [];
  for (const hz of [1000, 1200, 2200]) {
    const buf = tone(hz, -10, 16000);
    new Gsm610RoundTrip().process(buf, buf.length);
    const snr = sineSnrDb(buf, 1600, hz);
    figures.push(`sine ${hz} Hz SNR ${snr.toFixed(1)} dB`);
    t.true(snr > 30, `${hz} Hz: a steady sine is predicted well by the LTP (${snr} dB)`);
  }
  const { signal, bits } = fsk(-10, 32000, 1200, 31);
  const y = signal.slice();
  new Gsm610RoundTrip().process(y, y.length);
  const snr = delayedSnrDb(signal, y, 160, 1600);
  const berIn = fskBitErrorRate(signal, bits, 1200, 0);
  const berOut = fskBitErrorRate(y, bits, 1200, 160);
  figures.push(`1200 bit/s FSK waveform SNR ${snr.toFixed(1)} dB, tone-energy detector BER ${berIn} before, ${berOut.toFixed(3)} after`);
  t.log(`GSM 06.10 round trip at −10 dBm0: ${figures.join('; ')}`);
  t.is(berIn, 0);
  t.true(berOut < 0.2, 'FSK survives');
  t.true(snr < 15, 'but the waveform is measurably distorted');
});
