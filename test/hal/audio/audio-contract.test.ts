import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlsaAudioDevice } from '../../../hal/audio/alsa-device.ts';
import { AUDIO_FRAME, AudioError } from '../../../hal/audio/audio-device.ts';
import type { AudioDevice } from '../../../hal/audio/audio-device.ts';
import { SimulatedAudioDevice } from '../../../hal/audio/simulated-audio.ts';
import { AudioClock } from '../../../firmware-app/audio-clock.ts';
import { makeAlsaRig } from './alsa-rig.ts';

/** The same contract for the real backend and its twin. `heard()` returns what the far side got, 8 kHz. */
interface Subject {
  dev: AudioDevice;
  /** Puts `samples` where the device will capture them next. */
  say(samples: Int16Array): void;
  heard(): Promise<Int16Array>;
}

const ramp = Int16Array.from({ length: 8 * AUDIO_FRAME }, (_, i) => (i * 37) % 20000);

const subjects: Record<string, (t: import('ava').ExecutionContext) => Subject> = {
  simulated: () => {
    const dev = new SimulatedAudioDevice();
    const heardAll: number[] = [];
    let queue: Int16Array = new Int16Array(0);
    dev.connect((heard, said) => {
      heardAll.push(...heard);
      said.fill(0);
      said.set(queue.subarray(0, AUDIO_FRAME));
      queue = queue.subarray(Math.min(queue.length, AUDIO_FRAME));
    });
    return { dev, say: (s) => (queue = s), heard: async () => Int16Array.from(heardAll) };
  },
  alsa: (t) => {
    const rig = makeAlsaRig();
    t.teardown(rig.cleanup);
    const dev = new AlsaAudioDevice({ capture: 'source', playback: 'sink', env: rig.env, maxLatencyMs: 60_000, prefillMs: 0 });
    return {
      dev,
      say: (s) => writeFileSync(join(rig.dir, 'source.raw'), Buffer.from(s.buffer, s.byteOffset, s.byteLength)),
      heard: async () => {
        const raw = readFileSync(join(rig.dir, 'sink.raw'));
        return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.length & ~1)));
      },
    };
  },
};

for (const [kind, make] of Object.entries(subjects)) {
  test(`${kind}: refuses write() before start and after stop; next() is false once stopped`, async (t) => {
    const { dev, say } = make(t);
    say(new Int16Array(AUDIO_FRAME * 4));
    t.throws(() => dev.write(new Int16Array(AUDIO_FRAME)), { instanceOf: AudioError });
    await dev.start();
    t.true(dev.running);
    t.true(await dev.next());
    t.throws(() => dev.write(new Int16Array(10)), { instanceOf: AudioError });
    await dev.stop();
    t.false(dev.running);
    t.false(await dev.next());
    t.throws(() => dev.write(new Int16Array(AUDIO_FRAME)), { instanceOf: AudioError });
  });

  test(`${kind}: captured frames arrive in order, and played frames (silence when none is written) reach the far side`, async (t) => {
    const { dev, say, heard } = make(t);
    const padded = new Int16Array(ramp.length + 4 * AUDIO_FRAME);
    padded.set(ramp);
    say(padded);
    await dev.start();
    const got: number[] = [];
    const marker = Int16Array.from({ length: AUDIO_FRAME }, () => 1234);
    for (let f = 0; f < 8; f++) {
      t.true(await dev.next());
      got.push(...dev.captured);
      if (f % 2 === 0) dev.write(marker); // odd frames are not written: silence must take their place
    }
    await dev.stop();
    t.deepEqual(Int16Array.from(got.slice(0, ramp.length)), ramp);
    const far = await heard();
    const frames = [];
    for (let i = 0; i + AUDIO_FRAME <= far.length; i += AUDIO_FRAME) frames.push(far[i + 80] === 1234 ? 'M' : far[i + 80] === 0 ? '0' : '?');
    t.regex(frames.join(''), /M0M0M0M/);
  });
}

test('AudioClock: frames come from the device while it runs, from the pacing clock otherwise', async (t) => {
  const dev = new SimulatedAudioDevice();
  let n = 0;
  dev.connect((_h, said) => said.fill(++n));
  const clock = new AudioClock('fast', () => dev);
  await clock.tick();
  t.is(n, 0); // not running: the fallback clock ticked
  await dev.start();
  await clock.tick();
  await clock.tick();
  t.is(n, 2);
  t.is(dev.captured[0], 2);
  t.is(clock.lineMs, 60);
});
