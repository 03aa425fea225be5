import test from 'ava';
import { AMR_NB_MODES, AmrNbCodec, CodecUnavailableError, createCodecStage, probeCodecLibraries } from '../../../hal/codecs/index.ts';
import type { AmrNbMode, ModeStep } from '../../../hal/codecs/index.ts';
import { codeWithAddon, lossPattern, runAmrRef, runInBlocks, speechLike, toneSinad, tone } from './helpers.ts';

// Reference: opencore-amrnb through amr-ref.c, linked the ordinary way (not through the addon's dlopen path).
const FRAME = 160;

const FRAMES = 200; // 4 s: speech with a pause each second, so DTX sends SID and NO_DATA frames

for (const dtx of [false, true]) {
  test(`AMR-NB, DTX ${dtx ? 'on' : 'off'}: every mode's frames and decoded samples equal opencore's`, (t) => {
    const speech = speechLike(FRAMES * FRAME, 8000, 11);
    for (let m = 0; m < AMR_NB_MODES.length; m++) {
      const modes = new Uint8Array(FRAMES).fill(m);
      const lost = new Uint8Array(FRAMES);
      const ref = runAmrRef('nb', dtx, speech, modes, lost);
      const got = codeWithAddon(new AmrNbCodec(dtx), FRAME, 32, speech, modes, lost);
      t.is(got.frames.length, ref.frames.length);
      t.true(
        got.frames.every((f, i) => Buffer.compare(f, ref.frames[i]) === 0),
        `mode ${AMR_NB_MODES[m]}: coded frames differ`,
      );
      t.deepEqual(got.speech, ref.speech, `mode ${AMR_NB_MODES[m]}: decoded samples differ`);
      const types = new Set(got.frames.map((f) => f[0] >> 3));
      // DTX on: the pauses are sent as SID (frame type 8) and NO_DATA (15); off: every frame is speech in mode m.
      t.deepEqual(
        [...types].sort((a, b) => a - b),
        dtx ? [m, 8, 15] : [m],
      );
    }
  });
}

test('AMR-NB with a mode change every frame, DTX and 5 % lost frames: equal to opencore given the same losses', (t) => {
  const speech = speechLike(FRAMES * FRAME, 8000, 12);
  const modes = Uint8Array.from({ length: FRAMES }, (_, f) => (f * 5) % 8);
  const lost = lossPattern(FRAMES, 0.05, 99);
  t.true(lost.reduce((a, b) => a + b, 0) > 3);
  const ref = runAmrRef('nb', true, speech, modes, lost);
  const got = codeWithAddon(new AmrNbCodec(true), FRAME, 32, speech, modes, lost);
  t.true(got.frames.every((f, i) => Buffer.compare(f, ref.frames[i]) === 0));
  t.deepEqual(got.speech, ref.speech);
});

test("AMR-NB stage: any block lengths give opencore's samples one frame (160 samples) later, schedule and losses included", (t) => {
  const schedule: ModeStep<AmrNbMode>[] = [
    { mode: 12.2, seconds: 1 },
    { mode: 5.9, seconds: 0.5 },
    { mode: 4.75, seconds: 0.3 },
    { mode: 12.2, seconds: 1 },
  ];
  const frames = 250; // 5 s: the last step holds past its second
  const stepFrames = [50, 25, 15, 50];
  const stepModes = [7, 2, 0, 7];
  const modes = new Uint8Array(frames).fill(7);
  let f = 0;
  stepFrames.forEach((n, i) => {
    modes.fill(stepModes[i], f, f + n);
    f += n;
  });
  const lost = lossPattern(frames, 0.03, 5);
  const speech = speechLike(frames * FRAME, 8000, 13);
  const ref = runAmrRef('nb', true, speech, modes, lost);
  const stage = createCodecStage({ codec: 'amr-nb', mode: 12.2, dtx: true, schedule, erasureRate: 0.03, seed: 5 });
  const out = runInBlocks(stage, speech);
  t.deepEqual(out.subarray(0, FRAME), new Int16Array(FRAME), "the first frame out is the buffer's silence");
  t.deepEqual(out.subarray(FRAME), ref.speech.subarray(0, speech.length - FRAME));
  t.is(stage.stats.frames, frames);
  t.is(
    stage.stats.erased,
    lost.reduce((a, b) => a + b, 0),
  );
  t.is(stage.delaySamples, FRAME);
  stage.close();
});

test('AMR-NB 12.2: a 1004 Hz tone comes back with its SINAD above 28 dB (measured 32.3)', (t) => {
  const x = tone(4 * 8000, 8000, 1004, 8000);
  const stage = createCodecStage({ codec: 'amr-nb', mode: 12.2 });
  const y = runInBlocks(stage, x);
  const sinad = toneSinad(y, 1004, 8000, 8000, 32000);
  t.log(`SINAD ${sinad.toFixed(1)} dB`);
  t.true(sinad > 28, `SINAD ${sinad.toFixed(1)} dB`);
  stage.close();
});

test('AMR-NB: a 1 % erasure rate loses about 1 % of frames, and each loss changes the output from its frame on', (t) => {
  const frames = 5000; // 100 s; binomial: 50 expected, standard deviation 7
  const speech = speechLike(frames * FRAME, 8000, 14);
  const lossy = createCodecStage({ codec: 'amr-nb', mode: 12.2, erasureRate: 0.01, seed: 2024 });
  const clean = createCodecStage({ codec: 'amr-nb', mode: 12.2 });
  const a = runInBlocks(lossy, speech);
  const b = runInBlocks(clean, speech);
  t.log(`${lossy.stats.erased} of ${lossy.stats.frames} frames lost`);
  t.is(lossy.stats.frames, frames);
  t.true(lossy.stats.erased >= 30 && lossy.stats.erased <= 70, `${lossy.stats.erased} lost`);
  t.is(clean.stats.erased, 0);
  const firstLost = lossPattern(frames, 0.01, 2024).indexOf(1);
  const firstDiff = a.findIndex((v, i) => v !== b[i]);
  // frame k's decoded samples leave the stage during frame k+1
  t.true(firstDiff >= (firstLost + 1) * FRAME && firstDiff < (firstLost + 2) * FRAME, `first loss ${firstLost}, first difference ${firstDiff}`);
  lossy.close();
  clean.close();
});

test('AMR-NB: erasure rate 1 loses every frame, the decoder mutes', (t) => {
  const stage = createCodecStage({ codec: 'amr-nb', mode: 7.95, erasureRate: 1 });
  const y = runInBlocks(stage, tone(2 * 8000, 8000, 1000, 8000));
  t.is(stage.stats.erased, stage.stats.frames);
  t.true(y.subarray(8000).every((v) => Math.abs(v) < 50));
  stage.close();
});

test('a missing AMR-NB library is a CodecUnavailableError naming it and libopencore-amrnb0', (t) => {
  const libraries = { amrnb: 'libopencore-amrnb-nonexistent.so.0' };
  const err = t.throws(() => createCodecStage({ codec: 'amr-nb', mode: 12.2 }, { libraries }), { instanceOf: CodecUnavailableError });
  t.is(err?.library, 'libopencore-amrnb-nonexistent.so.0');
  t.is(err?.debianPackage, 'libopencore-amrnb0');
  t.regex(err?.message ?? '', /libopencore-amrnb-nonexistent\.so\.0.*libopencore-amrnb0/);
  t.true(probeCodecLibraries('amr-nb', { libraries }) instanceof CodecUnavailableError);
  // the failed attempt left the real library usable
  t.is(probeCodecLibraries('amr-nb'), null);
  t.notThrows(() => createCodecStage({ codec: 'amr-nb', mode: 12.2 }).close());
});

test('an AMR-NB stage refuses to run after close()', (t) => {
  const stage = createCodecStage({ codec: 'amr-nb', mode: 12.2 });
  stage.close();
  t.throws(() => stage.process(new Int16Array(160), 160), { message: /after close/ });
});

test('AMR-NB stage reset(): the same input gives the same output again', (t) => {
  const speech = speechLike(50 * FRAME, 8000, 15);
  const stage = createCodecStage({ codec: 'amr-nb', mode: 6.7, dtx: true, erasureRate: 0.1, seed: 3 });
  const first = runInBlocks(stage, speech);
  stage.reset?.();
  const again = runInBlocks(stage, speech, 8);
  t.deepEqual(again, first);
  stage.close();
});

test('DIALTONE_AMRNB_LIBRARY names the file to open: a nonexistent one makes the codec unavailable', (t) => {
  const saved = process.env.DIALTONE_AMRNB_LIBRARY;
  process.env.DIALTONE_AMRNB_LIBRARY = '/nonexistent/libopencore-amrnb.so.0';
  try {
    const err = probeCodecLibraries('amr-nb');
    t.true(err instanceof CodecUnavailableError);
    t.regex(
      err?.message ?? '',
      /^codec library \/nonexistent\/libopencore-amrnb\.so\.0 is not available \(install the Debian package libopencore-amrnb0\): .*No such file/,
    );
  } finally {
    if (saved === undefined) delete process.env.DIALTONE_AMRNB_LIBRARY;
    else process.env.DIALTONE_AMRNB_LIBRARY = saved;
  }
  t.is(probeCodecLibraries('amr-nb'), null);
});
