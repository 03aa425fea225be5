import test from 'ava';
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { FrequencyOffset } from '../../../dsp/channel/frequency-offset.ts';
import { FskDemodulator } from '../../../dsp/fsk/fsk-demodulator.ts';
import { FskModulator } from '../../../dsp/fsk/fsk-modulator.ts';
import { FSK_CHANNELS, FSK_MODES } from '../../../dsp/fsk/specs.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../../dsp/q15.ts';
import { AsyncDeframer } from '../../../dsp/uart/async-deframer.ts';
import { AsyncFramer } from '../../../dsp/uart/async-framer.ts';
import { randomBytes } from '../../helpers/random.ts';

/** Random 8N1 characters at `levelDbm0`, shifted by `offsetHz`, with noise 30 dB below the signal. */
function run(channel: string, levelDbm0: number, offsetHz: number, sequence: boolean) {
  const ch = FSK_CHANNELS[channel];
  const mod = new FskModulator(ch, levelDbm0);
  const shift = new FrequencyOffset(offsetHz);
  const noise = new Awgn({ snrDb: 30, signalDbm0: levelDbm0, seed: 3 });
  const demod = new FskDemodulator(ch, { carrierOnDbm0: FSK_MODES.v21.carrierOnDbm0, carrierOffDbm0: FSK_MODES.v21.carrierOffDbm0 });
  const framer = new AsyncFramer(undefined, 8192);
  const deframer = new AsyncDeframer(SAMPLE_RATE / ch.baud);
  const seconds = ch.baud < 300 ? 12 : 6;
  const data = randomBytes(Math.floor(((seconds - 1) * ch.baud) / 10), 11);
  const got: number[] = [];
  const buf = new Int16Array(FRAME_SAMPLES);
  let carrierFrames = 0;
  for (let f = 0; f < seconds * 50; f++) {
    if (f === 15) framer.queue.write(data);
    mod.process(buf, FRAME_SAMPLES, framer);
    shift.process(buf, FRAME_SAMPLES);
    noise.process(buf, FRAME_SAMPLES);
    demod.process(buf, FRAME_SAMPLES);
    if (demod.carrier) carrierFrames++;
    // As the data pump does: received data is clamped to mark while the carrier is off.
    // The demodulator's sequence decisions where the data pump takes them.
    const decider = sequence && demod.sequenceDetection ? demod : undefined;
    if (demod.carrier) deframer.process(demod.decisions, FRAME_SAMPLES, { putByte: (b) => got.push(b) }, decider, (demod.samples - FRAME_SAMPLES) | 0);
    else deframer.reset();
  }
  return { data, got: Uint8Array.from(got), carrierFrames, level: demod.levelDbm0 };
}

for (const channel of ['v21ch1', 'v21ch2', 'bell103ch1', 'bell103ch2', 'v23ch1', 'v23ch2', 'bell202']) {
  test(`${channel}: error-free from −9 to −43 dBm0 and at ±10 Hz offset (30 dB SNR)`, (t) => {
    for (const level of [-9, -25, -43]) {
      for (const offset of [-10, 0, 10]) {
        for (const sequence of [true, false]) {
          const r = run(channel, level, offset, sequence);
          t.deepEqual(r.got, r.data, `${level} dBm0, ${offset} Hz, sequence ${sequence}: ${r.got.length}/${r.data.length} bytes`);
          t.true(r.carrierFrames > 200, `carrier detected at ${level} dBm0 (measured ${r.level.toFixed(1)})`);
        }
      }
    }
  });
}
