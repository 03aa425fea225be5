/**
 * Interop with minimodem 0.24 (Debian's /usr/bin/minimodem, an independent FSK modem), both ways, byte-exact,
 * through 8000 Hz mono 16-bit WAV files (minimodem reads and writes audio files through libsndfile; -R sets the
 * rate it writes at, and it reads a file at the file's own rate).
 *
 * minimodem's named modes: `300` is Bell 103 originate (mark 1270, space 1070 Hz), `1200` is Bell 202 (mark 1200,
 * space 2200 Hz), both --ascii, i.e. 8N1 with data bits LSB first; any other channel is a numeric baud rate with
 * explicit -M/--mark and -S/--space. Every channel of Bell 103, V.21, V.23 and Bell 202 is run, each direction.
 *
 * Dialtone's side: FskModulator at −10 dBm0 fed by AsyncFramer (8N1) after 0.5 s of mark, 0.5 s of mark after the
 * last character; decoding with FskDemodulator and AsyncDeframer over the whole file.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FskDemodulator } from '../../dsp/fsk/fsk-demodulator.ts';
import { FskModulator } from '../../dsp/fsk/fsk-modulator.ts';
import { FSK_CHANNELS } from '../../dsp/fsk/specs.ts';
import type { FskChannel } from '../../dsp/fsk/specs.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../dsp/q15.ts';
import { AsyncDeframer } from '../../dsp/uart/async-deframer.ts';
import { AsyncFramer } from '../../dsp/uart/async-framer.ts';
import { mulberry32 } from '../helpers/random.ts';
import { readWav, writeWav } from './wav.ts';

const MINIMODEM = '/usr/bin/minimodem';
const run = promisify(execFile);

interface Case {
  label: string;
  channel: FskChannel;
  /** minimodem's {baudmode} and tone options for this channel. */
  args: string[];
  bytes: number;
}

const CASES: Case[] = [
  { label: 'Bell 103 originate', channel: FSK_CHANNELS.bell103ch1, args: ['300'], bytes: 2048 },
  { label: 'Bell 103 answer', channel: FSK_CHANNELS.bell103ch2, args: ['--mark', '2225', '--space', '2025', '300'], bytes: 2048 },
  { label: 'V.21 channel 1', channel: FSK_CHANNELS.v21ch1, args: ['--mark', '980', '--space', '1180', '300'], bytes: 2048 },
  { label: 'V.21 channel 2', channel: FSK_CHANNELS.v21ch2, args: ['--mark', '1650', '--space', '1850', '300'], bytes: 2048 },
  { label: 'V.23 forward 1200', channel: FSK_CHANNELS.v23ch1, args: ['--mark', '1300', '--space', '2100', '1200'], bytes: 4096 },
  { label: 'V.23 backward 75', channel: FSK_CHANNELS.v23ch2, args: ['--mark', '390', '--space', '450', '75'], bytes: 1024 },
  { label: 'Bell 202', channel: FSK_CHANNELS.bell202, args: ['1200'], bytes: 4096 },
];

/** Printable ASCII (32–126) with a line feed now and then: what --ascii carries without surprises. */
function printableText(n: number, seed: number): Buffer {
  const r = mulberry32(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = i % 64 === 63 ? 10 : 32 + Math.floor(r() * 95);
  return out;
}

function dialtoneTransmit(channel: FskChannel, payload: Uint8Array): Int16Array {
  const lead = Math.round(0.5 * SAMPLE_RATE);
  const total = lead + Math.ceil((payload.length * 10 * SAMPLE_RATE) / channel.baud) + lead;
  const audio = new Int16Array(Math.ceil(total / FRAME_SAMPLES) * FRAME_SAMPLES);
  const mod = new FskModulator(channel, -10);
  const framer = new AsyncFramer(undefined, payload.length + 1);
  const mark = { nextBit: () => 1 };
  mod.process(audio, lead, mark);
  framer.queue.write(payload);
  mod.process(audio, audio.length - lead, framer, lead);
  return audio;
}

function dialtoneReceive(channel: FskChannel, audio: Int16Array): Buffer {
  const demod = new FskDemodulator(channel, { maxBlock: FRAME_SAMPLES });
  const deframer = new AsyncDeframer(SAMPLE_RATE / channel.baud);
  const got: number[] = [];
  const sink = { putByte: (b: number) => void got.push(b) };
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < audio.length; i += FRAME_SAMPLES) {
    const n = Math.min(FRAME_SAMPLES, audio.length - i);
    frame.fill(0);
    frame.set(audio.subarray(i, i + n));
    demod.process(frame, FRAME_SAMPLES);
    deframer.process(demod.decisions, FRAME_SAMPLES, sink);
  }
  return Buffer.from(got);
}

/** First differing index, for a message that says where the streams part. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function sameBytes(t: import('ava').ExecutionContext, got: Buffer, want: Buffer): void {
  const at = firstDifference(got, want);
  t.true(
    at < 0,
    `got ${got.length} bytes, sent ${want.length}; first difference at byte ${at}: ` +
      `got ${JSON.stringify(got.subarray(Math.max(0, at - 8), at + 8).toString('latin1'))}, ` +
      `sent ${JSON.stringify(want.subarray(Math.max(0, at - 8), at + 8).toString('latin1'))}`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'dialtone-minimodem-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('minimodem is installed', (t) => {
  t.true(existsSync(MINIMODEM), `${MINIMODEM} is missing: apt-get install minimodem`);
});

CASES.forEach((c, k) => {
  test(`${c.label}: minimodem decodes Dialtone`, async (t) => {
    const payload = printableText(c.bytes, 100 + k);
    const wav = join(dir, `dialtone-${c.channel.name}.wav`);
    writeWav(wav, dialtoneTransmit(c.channel, payload));
    const { stdout } = await run(MINIMODEM, ['--rx', '--quiet', '--file', wav, ...c.args], {
      encoding: 'buffer',
      maxBuffer: 1 << 20,
    });
    sameBytes(t, stdout, payload);
  });

  test(`${c.label}: Dialtone decodes minimodem`, async (t) => {
    const payload = printableText(c.bytes, 200 + k);
    const wav = join(dir, `minimodem-${c.channel.name}.wav`);
    const child = execFile(MINIMODEM, ['--tx', '--quiet', '--samplerate', '8000', '--file', wav, ...c.args]);
    const done = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    child.stdin!.end(payload);
    t.is(await done, 0, 'minimodem --tx exit status');
    const w = readWav(wav);
    t.is(w.sampleRate, SAMPLE_RATE, 'minimodem wrote 8000 Hz');
    t.is(w.channels, 1);
    sameBytes(t, dialtoneReceive(c.channel, w.samples), payload);
  });
});
