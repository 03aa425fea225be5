import test from 'ava';
import { FskModulator } from '../../../dsp/fsk/fsk-modulator.ts';
import { FskDemodulator } from '../../../dsp/fsk/fsk-demodulator.ts';
import { FSK_CHANNELS, FSK_MODES, V21_CH1, V21_CH2 } from '../../../dsp/fsk/specs.ts';
import type { FskChannel } from '../../../dsp/fsk/specs.ts';
import { AsyncFramer } from '../../../dsp/uart/async-framer.ts';
import { AsyncDeframer } from '../../../dsp/uart/async-deframer.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../../dsp/q15.ts';
import { addNoise, gaussian, randomBytes } from '../../helpers/random.ts';

/** The deframer's bit decider as the data pump sets it: the demodulator's sequence decisions, or none. */
function deciderOf(demod: FskDemodulator, sequence: boolean): FskDemodulator | undefined {
  return sequence && demod.sequenceDetection ? demod : undefined;
}

/** Modulate `data` as 8N1 on `ch`, pass through noise at `snrDb` (re −10 dBm0), demodulate and deframe. */
function loopback(ch: FskChannel, data: Uint8Array, snrDb: number, seconds: number, seed = 1, sequence = true) {
  const mod = new FskModulator(ch, -10);
  const demod = new FskDemodulator(ch);
  const framer = new AsyncFramer(undefined, data.length + 1);
  const deframer = new AsyncDeframer(SAMPLE_RATE / ch.baud);
  const got: number[] = [];
  const sink = { putByte: (b: number) => got.push(b) };
  const g = gaussian(seed);
  const buf = new Int16Array(FRAME_SAMPLES);
  let sent = 0;
  const frames = Math.round((seconds * SAMPLE_RATE) / FRAME_SAMPLES);
  for (let f = 0; f < frames; f++) {
    if (f > 10 && sent < data.length) sent += framer.queue.write(data, sent);
    mod.process(buf, FRAME_SAMPLES, framer);
    if (Number.isFinite(snrDb)) addNoise(buf, FRAME_SAMPLES, -10 - snrDb, g);
    demod.process(buf, FRAME_SAMPLES);
    deframer.process(demod.decisions, FRAME_SAMPLES, sink, deciderOf(demod, sequence), (demod.samples - FRAME_SAMPLES) | 0);
  }
  return { got: Uint8Array.from(got), demod, deframer };
}

test('V.21 tones: ITU-T V.21 §2 mark/space frequencies and 300 bit/s', (t) => {
  t.deepEqual([V21_CH1.markHz, V21_CH1.spaceHz, V21_CH2.markHz, V21_CH2.spaceHz], [980, 1180, 1650, 1850]);
  t.is(FSK_MODES.v21.caller, V21_CH1);
  t.is(FSK_MODES.v21.answerer, V21_CH2);
});

test('modulator: mark idle is a pure tone at the mark frequency (zero crossings count)', (t) => {
  for (const ch of Object.values(FSK_CHANNELS)) {
    const mod = new FskModulator(ch, -10);
    const buf = new Int16Array(SAMPLE_RATE);
    mod.process(buf, buf.length, { nextBit: () => 1 });
    let crossings = 0;
    for (let i = 1; i < buf.length; i++) if (buf[i - 1] < 0 !== buf[i] < 0) crossings++;
    t.true(Math.abs(crossings / 2 - ch.markHz) <= 1, `${ch.name}: ${crossings / 2} Hz`);
    const space = new FskModulator(ch, -10);
    space.process(buf, buf.length, { nextBit: () => 0 });
    crossings = 0;
    for (let i = 1; i < buf.length; i++) if (buf[i - 1] < 0 !== buf[i] < 0) crossings++;
    t.true(Math.abs(crossings / 2 - ch.spaceHz) <= 1, `${ch.name} space: ${crossings / 2} Hz`);
  }
});

test('async framing on the line: start bit space, data LSB first, stop bit mark', (t) => {
  const framer = new AsyncFramer();
  framer.queue.push(0x41);
  const bits = Array.from({ length: 12 }, () => framer.nextBit());
  t.deepEqual(bits, [0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1]);
});

for (const sequence of [true, false]) {
  const how = sequence ? 'sequence decisions' : 'per-sample decisions';
  test(`V.21 demodulator decodes its own modulator with zero errors at 20 dB SNR over 60 s of line time (${how})`, (t) => {
    for (const ch of [V21_CH1, V21_CH2]) {
      const bytes = Math.floor((58 * ch.baud) / 10);
      const data = randomBytes(bytes, 21);
      const { got, deframer } = loopback(ch, data, 20, 60, 1, sequence);
      t.is(got.length, data.length, ch.name);
      t.deepEqual(got, data, ch.name);
      t.is(deframer.framingErrors, 0);
    }
  });

  test(`every FSK channel carries random bytes error-free at 15 dB SNR (${how})`, (t) => {
    for (const ch of Object.values(FSK_CHANNELS)) {
      const seconds = ch.baud < 300 ? 20 : 8;
      const data = randomBytes(Math.floor(((seconds - 1) * ch.baud) / 10), 7);
      const { got } = loopback(ch, data, 15, seconds, 1, sequence);
      t.deepEqual(got, data, ch.name);
    }
  });
}

test('carrier detect: on at −35 dBm0, off at −55 dBm0, with hysteresis', (t) => {
  for (const [level, expected] of [
    [-20, true],
    [-40, true],
    [-50, false],
    [-60, false],
  ] as const) {
    const mod = new FskModulator(V21_CH2, level);
    const demod = new FskDemodulator(V21_CH2);
    const buf = new Int16Array(FRAME_SAMPLES);
    for (let f = 0; f < 20; f++) {
      mod.process(buf, FRAME_SAMPLES, { nextBit: () => (Math.random() < 0.5 ? 1 : 0) });
      demod.process(buf, FRAME_SAMPLES);
    }
    t.is(demod.carrier, expected, `level ${level}: measured ${demod.levelDbm0.toFixed(1)} dBm0`);
  }
});

// The correlators' sidelobes let the other channel through about 13 dB down: an echo 25 dB below −10 dBm0 stays unheard.
test('carrier detect ignores the other channel at echo level', (t) => {
  const mod = new FskModulator(V21_CH1, -35);
  const demod = new FskDemodulator(V21_CH2);
  const buf = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < 50; f++) {
    mod.process(buf, FRAME_SAMPLES, { nextBit: () => f & 1 });
    demod.process(buf, FRAME_SAMPLES);
    t.false(demod.carrier);
  }
});

test('async receiver follows a far UART running 5 % slow or fast (a second-order bit clock)', (t) => {
  for (const rate of [0.95, 1.05]) {
    for (const [name, sequence] of [
      ['v21ch2', false],
      ['bell202', false],
      ['v21ch2', true],
      ['bell202', true],
    ] as const) {
      const ch = FSK_CHANNELS[name];
      const mod = new FskModulator({ ...ch, baud: ch.baud * rate }, -10);
      const demod = new FskDemodulator(ch);
      const framer = new AsyncFramer(undefined, 4096);
      const deframer = new AsyncDeframer(SAMPLE_RATE / ch.baud);
      const data = randomBytes(Math.floor((ch.baud * 4) / 10), 5);
      const got: number[] = [];
      const buf = new Int16Array(FRAME_SAMPLES);
      for (let f = 0; f < 6 * 50; f++) {
        if (f === 10) framer.queue.write(data);
        mod.process(buf, FRAME_SAMPLES, framer);
        demod.process(buf, FRAME_SAMPLES);
        const decider = deciderOf(demod, sequence);
        deframer.process(demod.decisions, FRAME_SAMPLES, { putByte: (b) => got.push(b) }, decider, (demod.samples - FRAME_SAMPLES) | 0);
      }
      t.deepEqual(Uint8Array.from(got), data, `${name} at ${rate}× the nominal rate, sequence decisions ${sequence}`);
    }
  }
});
