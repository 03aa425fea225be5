import test from 'ava';
import { Resampler } from '../../../dsp/filters/resampler.ts';
import { AMR_WB_MODES, AmrWbCodec, CodecUnavailableError, createCodecStage } from '../../../hal/codecs/index.ts';
import { codeWithAddon, lossPattern, runAmrRef, runInBlocks, speechLike, tone, toneSinad } from './helpers.ts';

// Reference: vo-amrwbenc and opencore-amrwb through amr-ref.c, linked the ordinary way (not through the addon).
const FRAME = 320;
const FRAMES = 150; // 3 s of speech with a pause each second

for (const dtx of [false, true]) {
  test(`AMR-WB, DTX ${dtx ? 'on' : 'off'}: every mode's frames and decoded samples equal the reference libraries'`, (t) => {
    const speech = speechLike(FRAMES * FRAME, 16000, 21);
    for (let m = 0; m < AMR_WB_MODES.length; m++) {
      const modes = new Uint8Array(FRAMES).fill(m);
      const lost = new Uint8Array(FRAMES);
      const ref = runAmrRef('wb', dtx, speech, modes, lost);
      const got = codeWithAddon(new AmrWbCodec(dtx), FRAME, 61, speech, modes, lost);
      t.is(got.frames.length, ref.frames.length);
      t.true(
        got.frames.every((f, i) => Buffer.compare(f, ref.frames[i]) === 0),
        `mode ${AMR_WB_MODES[m]}: coded frames differ`,
      );
      t.deepEqual(got.speech, ref.speech, `mode ${AMR_WB_MODES[m]}: decoded samples differ`);
      const types = [...new Set(got.frames.map((f) => f[0] >> 3))].sort((a, b) => a - b);
      // DTX on: the pauses go as SID (frame type 9) and NO_DATA (15)
      t.deepEqual(types, dtx ? [m, 9, 15] : [m]);
    }
  });
}

test('AMR-WB with a mode change every frame, DTX and 5 % lost frames: equal to the reference given the same losses', (t) => {
  const speech = speechLike(FRAMES * FRAME, 16000, 22);
  const modes = Uint8Array.from({ length: FRAMES }, (_, f) => (f * 4) % 9);
  const lost = lossPattern(FRAMES, 0.05, 77);
  t.true(lost.reduce((a, b) => a + b, 0) > 3);
  const ref = runAmrRef('wb', true, speech, modes, lost);
  const got = codeWithAddon(new AmrWbCodec(true), FRAME, 61, speech, modes, lost);
  t.true(got.frames.every((f, i) => Buffer.compare(f, ref.frames[i]) === 0));
  t.deepEqual(got.speech, ref.speech);
});

test('AMR-WB stage: 8→16 kHz, the reference round trip, 16→8 kHz, one frame (160 samples at 8 kHz) later, for any blocks', (t) => {
  const frames = 150;
  const narrow = speechLike(frames * 160, 8000, 23);
  // the same path done in one piece: the resamplers are streaming filters, so frame by frame gives the same samples
  const up = new Resampler(8000, 16000);
  const wide = new Int16Array(up.maxOutput(narrow.length));
  t.is(up.process(narrow, narrow.length, wide), frames * FRAME);
  const modes = new Uint8Array(frames).fill(2);
  modes.fill(0, 50, 100); // 12.65 for a second, 6.60 for a second, 12.65 again
  const lost = lossPattern(frames, 0.02, 6);
  const ref = runAmrRef('wb', false, wide.subarray(0, frames * FRAME), modes, lost);
  const down = new Resampler(16000, 8000);
  const expected = new Int16Array(down.maxOutput(ref.speech.length));
  t.is(down.process(ref.speech, ref.speech.length, expected), narrow.length);

  const schedule = [
    { mode: 12.65, seconds: 1 },
    { mode: 6.6, seconds: 1 },
    { mode: 12.65, seconds: 1 },
  ] as const;
  const stage = createCodecStage({ codec: 'amr-wb', mode: 12.65, schedule: [...schedule], erasureRate: 0.02, seed: 6 });
  const out = runInBlocks(stage, narrow);
  t.deepEqual(out.subarray(0, 160), new Int16Array(160));
  t.deepEqual(out.subarray(160), expected.subarray(0, narrow.length - 160));
  t.is(stage.stats.frames, frames);
  t.is(
    stage.stats.erased,
    lost.reduce((a, b) => a + b, 0),
  );
  stage.close();
});

test('AMR-WB 12.65 through the stage: a 1004 Hz tone comes back with its SINAD above 28 dB (measured 32.1)', (t) => {
  const stage = createCodecStage({ codec: 'amr-wb', mode: 12.65 });
  const y = runInBlocks(stage, tone(4 * 8000, 8000, 1004, 8000));
  const sinad = toneSinad(y, 1004, 8000, 8000, 32000);
  t.log(`SINAD ${sinad.toFixed(1)} dB; stage delay ${stage.delaySamples} samples`);
  t.true(sinad > 28, `SINAD ${sinad.toFixed(1)} dB`);
  t.is(stage.delaySamples, 160 + 19.75 + 19.75);
  stage.close();
});

test('AMR-WB: a 1 % erasure rate loses about 1 % of frames', (t) => {
  const frames = 3000; // 60 s: 30 expected, standard deviation 5.5
  const stage = createCodecStage({ codec: 'amr-wb', mode: 12.65, erasureRate: 0.01, seed: 11 });
  runInBlocks(stage, speechLike(frames * 160, 8000, 24));
  t.log(`${stage.stats.erased} of ${stage.stats.frames} frames lost`);
  t.is(stage.stats.frames, frames);
  t.true(stage.stats.erased >= 15 && stage.stats.erased <= 45);
  stage.close();
});

test('missing AMR-WB libraries: CodecUnavailableError naming libvo-amrwbenc0 or libopencore-amrwb0', (t) => {
  const enc = t.throws(() => createCodecStage({ codec: 'amr-wb', mode: 12.65 }, { libraries: { amrwbenc: 'libvo-nonexistent.so.0' } }), {
    instanceOf: CodecUnavailableError,
  });
  t.is(enc?.debianPackage, 'libvo-amrwbenc0');
  const dec = t.throws(() => createCodecStage({ codec: 'amr-wb', mode: 12.65 }, { libraries: { amrwb: '/nonexistent/libopencore-amrwb.so.0' } }), {
    instanceOf: CodecUnavailableError,
  });
  t.is(dec?.debianPackage, 'libopencore-amrwb0');
  t.regex(dec?.message ?? '', /\/nonexistent\/libopencore-amrwb\.so\.0 is not available \(install the Debian package libopencore-amrwb0\)/);
});
