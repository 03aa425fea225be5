import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resampler } from '../../../dsp/filters/resampler.ts';
import { CodecUnavailableError, createCodecStage, FrameErasures, MsbcCodec } from '../../../hal/codecs/index.ts';
import { runInBlocks, speechLike, tone, toneSinad } from './helpers.ts';

// Reference: sbcenc -m and sbcdec -m from sbc-tools, fed and read through Sun .au files (big-endian samples).
const FRAME = 120;
const BYTES = 57;

function writeAu(path: string, speech: Int16Array): void {
  const head = Buffer.alloc(24);
  head.write('.snd', 0, 'latin1');
  head.writeUInt32BE(24, 4); // data offset
  head.writeUInt32BE(speech.length * 2, 8);
  head.writeUInt32BE(3, 12); // 16-bit linear PCM
  head.writeUInt32BE(16000, 16);
  head.writeUInt32BE(1, 20);
  const data = Buffer.alloc(speech.length * 2);
  for (let i = 0; i < speech.length; i++) data.writeInt16BE(speech[i], 2 * i);
  writeFileSync(path, Buffer.concat([head, data]));
}

function readAu(path: string): Int16Array {
  const raw = readFileSync(path);
  const offset = raw.readUInt32BE(4);
  const out = new Int16Array((raw.length - offset) >> 1);
  for (let i = 0; i < out.length; i++) out[i] = raw.readInt16BE(offset + 2 * i);
  return out;
}

/** sbcenc -m on `speech` (16 kHz): the coded frames. */
function sbcenc(speech: Int16Array): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'msbc-ref-'));
  try {
    writeAu(join(dir, 'in.au'), speech);
    return execFileSync('sbcenc', ['-m', join(dir, 'in.au')], { maxBuffer: 1 << 26 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** sbcdec -m on coded frames: the decoded samples. */
function sbcdec(coded: Uint8Array): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'msbc-ref-'));
  try {
    writeFileSync(join(dir, 'in.msbc'), coded);
    execFileSync('sbcdec', ['-m', '-f', join(dir, 'out.au'), join(dir, 'in.msbc')]);
    return readAu(join(dir, 'out.au'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function reference(speech: Int16Array): { coded: Buffer; decoded: Int16Array } {
  const coded = sbcenc(speech);
  return { coded, decoded: sbcdec(coded) };
}

test('mSBC: the encoded frames and the decoded samples equal sbcenc -m / sbcdec -m', (t) => {
  const frames = 400; // 3 s
  const speech = speechLike(frames * FRAME, 16000, 31, 20000);
  const ref = reference(speech);
  t.is(ref.coded.length, frames * BYTES);
  const codec = new MsbcCodec();
  const frame = new Uint8Array(BYTES);
  const pcm = new Int16Array(FRAME);
  const coded = new Uint8Array(frames * BYTES);
  const decoded = new Int16Array(frames * FRAME);
  for (let f = 0; f < frames; f++) {
    t.is(codec.encode(speech.subarray(f * FRAME, (f + 1) * FRAME), frame), BYTES);
    coded.set(frame, f * BYTES);
    t.is(codec.decode(frame, pcm), FRAME);
    decoded.set(pcm, f * FRAME);
  }
  codec.close();
  t.is(coded[0], 0xad, 'mSBC syncword');
  t.true(Buffer.compare(Buffer.from(coded), ref.coded) === 0, 'coded bytes differ from sbcenc -m');
  t.deepEqual(decoded, ref.decoded);
});

/** The stage's path done in one piece with the reference tools, and the stage's concealment applied to it. */
function referenceStage(narrow: Int16Array, lost: Uint8Array): Int16Array {
  const up = new Resampler(8000, 16000);
  const wide = new Int16Array(up.maxOutput(narrow.length));
  const n = up.process(narrow, narrow.length, wide);
  const coded = sbcenc(wide.subarray(0, n));
  // the decoder never sees a lost frame: sbcdec gets the frames that arrived, in order
  const arrived = coded.filter((_, i) => !lost[Math.floor(i / BYTES)]);
  const dec = sbcdec(arrived);
  // concealment as documented: the first lost frame repeats the last good one, further ones in a row are silence
  const concealed = new Int16Array(lost.length * FRAME);
  let last: Int16Array = new Int16Array(FRAME);
  let run = 0;
  let next = 0;
  for (let f = 0; f < lost.length; f++) {
    if (!lost[f]) {
      last = dec.subarray(next * FRAME, ++next * FRAME);
      concealed.set(last, f * FRAME);
      run = 0;
    } else if (run++ === 0) concealed.set(last, f * FRAME);
  }
  const down = new Resampler(16000, 8000);
  const out = new Int16Array(down.maxOutput(concealed.length));
  down.process(concealed, concealed.length, out);
  return out.subarray(0, narrow.length);
}

test('mSBC stage: 8→16 kHz, sbcenc/sbcdec, 16→8 kHz, one frame (60 samples at 8 kHz) later, for any blocks', (t) => {
  const frames = 400;
  const narrow = speechLike(frames * 60, 8000, 32);
  const expected = referenceStage(narrow, new Uint8Array(frames));
  const stage = createCodecStage({ codec: 'msbc' });
  const out = runInBlocks(stage, narrow);
  t.deepEqual(out.subarray(0, 60), new Int16Array(60));
  t.deepEqual(out.subarray(60), expected.subarray(0, narrow.length - 60));
  t.is(stage.stats.frames, frames);
  t.is(stage.delaySamples, 60 + 19.75 + 19.75);
  stage.close();
});

test('mSBC stage with 10 % lost frames: each concealed by repeating the last good frame once, then silence', (t) => {
  const frames = 400;
  const e = new FrameErasures(0.1, 42);
  const lost = Uint8Array.from({ length: frames }, () => (e.next() ? 1 : 0));
  t.true(
    lost.some((v, i) => v === 1 && lost[i + 1] === 1),
    'the pattern has a run of two, so the silence is tested',
  );
  const narrow = speechLike(frames * 60, 8000, 33);
  const expected = referenceStage(narrow, lost);
  const stage = createCodecStage({ codec: 'msbc', erasureRate: 0.1, seed: 42 });
  const out = runInBlocks(stage, narrow);
  t.deepEqual(out.subarray(60), expected.subarray(0, narrow.length - 60));
  t.is(
    stage.stats.erased,
    lost.reduce((a, b) => a + b, 0),
  );
  stage.close();
});

test('mSBC through the stage: a 1004 Hz tone comes back with its SINAD above 60 dB (measured 70.8)', (t) => {
  const stage = createCodecStage({ codec: 'msbc' });
  const sinad = toneSinad(runInBlocks(stage, tone(4 * 8000, 8000, 1004, 8000)), 1004, 8000, 8000, 32000);
  t.log(`SINAD ${sinad.toFixed(1)} dB`);
  t.true(sinad > 60);
  stage.close();
});

test('a missing libsbc is a CodecUnavailableError naming libsbc1', (t) => {
  const err = t.throws(() => createCodecStage({ codec: 'msbc' }, { libraries: { sbc: 'libsbc-nonexistent.so.1' } }), {
    instanceOf: CodecUnavailableError,
  });
  t.is(err?.debianPackage, 'libsbc1');
  t.regex(err?.message ?? '', /libsbc-nonexistent\.so\.1 is not available \(install the Debian package libsbc1\)/);
});
