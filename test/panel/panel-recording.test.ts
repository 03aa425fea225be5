/**
 * Opt-in call recording: off by default (no file for a call), AT#REC=1 records the next call as a stereo WAV in the
 * state directory, listed in the panel's call log and downloadable from it; sox opens it and it lasts as long as
 * the call.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import type { Daemon } from '../helpers/daemon.ts';
import { panelUrl } from './browser.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Entry {
  number: string;
  durationMs: number;
  result: string;
  recording?: string;
}

async function echoCall(d: Daemon): Promise<void> {
  await d.term.write('ATDT5551000\r');
  await d.term.waitFor('CONNECT 300', 30_000);
  await d.term.write('hello!');
  await d.term.waitFor('hello!', 30_000);
  await sleep(1100);
  await d.term.write('+++');
  await d.term.waitFor('OK\r\n', 5000);
  await d.term.write('ATH\r');
  await d.term.waitFor('OK\r\n', 5000);
}

async function calls(url: string, n: number): Promise<Entry[]> {
  for (let i = 0; i < 100; i++) {
    const list = (await (await fetch(`${url}api/calls`)).json()) as Entry[];
    if (list.length >= n) return list;
    await sleep(100);
  }
  throw new Error(`fewer than ${n} calls in the log`);
}

test('recording: never on by default; AT#REC=1 records a stereo WAV of the call, sox reads the call length', async (t) => {
  const d = await startDaemon();
  t.teardown(d.stop);
  const url = await panelUrl(d.stdout);
  await d.term.write('AT#REC?\r');
  await d.term.waitFor(/\r\n0\r\n\r\nOK\r\n/, 5000);
  await echoCall(d);
  const first = await calls(url, 1);
  t.is(first[0].recording, undefined, 'not recorded by default');
  t.false(existsSync(join(d.dir, 'state/recordings')));

  await d.term.write('AT#REC=1\r');
  await d.term.waitFor('OK\r\n', 5000);
  await d.term.write('AT#REC=2\r');
  await d.term.waitFor('ERROR\r\n', 5000);
  await echoCall(d);
  const second = (await calls(url, 2))[1];
  t.regex(second.recording ?? '', /^call-.*-outgoing\.wav$/);
  const res = await fetch(`${url}recordings/${second.recording}`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'audio/wav');
  const wav = join(d.dir, 'download.wav');
  writeFileSync(wav, Buffer.from(await res.arrayBuffer()));
  const info = (opt: string): string => execFileSync('soxi', [opt, wav], { encoding: 'utf8' }).trim();
  t.is(info('-c'), '2', 'stereo: received and sent');
  t.is(info('-r'), '8000');
  t.is(info('-b'), '16');
  const seconds = Number(info('-D'));
  t.log(`recording ${seconds} s, call ${second.durationMs / 1000} s`);
  t.true(Math.abs(seconds - second.durationMs / 1000) <= 0.1, `WAV ${seconds} s against the call's ${second.durationMs / 1000} s`);
  // Both channels carry signal: the far modem's carrier on the left, ours on the right (sox stat, RMS amplitude).
  for (const channel of ['1', '2']) {
    const r = spawnSync('sox', [wav, '-n', 'remix', channel, 'stat'], { encoding: 'utf8' });
    const rms = Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(r.stderr)?.[1]);
    t.true(rms > 0.05, `channel ${channel} RMS ${rms}`);
  }
  t.is((await fetch(`${url}recordings/..%2Fcalls.json`)).status, 404, 'only recordings are served');
});
