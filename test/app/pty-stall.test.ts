/**
 * A terminal program that stops reading must not stall the daemon. The daemon runs as its own process on a real
 * pseudo-terminal; during a V.22bis data call `cat` (coreutils) reads the port and another `cat` sends a file into
 * it, the reader is stopped (SIGSTOP) while the echo host keeps sending, and the panel's /api/status must keep
 * answering and the line keep running. Then the reader continues and gets everything that fit: with V.42 every byte
 * (the modem sends RNR when its buffer fills), without error control all but the overruns that ATI6 reports.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { openTerminal, startDaemon } from '../helpers/daemon.ts';
import type { Daemon } from '../helpers/daemon.ts';
import { randomBytes } from '../helpers/random.ts';
import { panelUrl } from '../panel/browser.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Status {
  panel: { state: string; lineS: number; call: { bytesFromLine: number } | null };
}

/** GET /api/status, timed. */
async function status(url: string): Promise<{ s: Status; ms: number }> {
  const t0 = performance.now();
  let s: Status;
  try {
    s = (await (await fetch(`${url}api/status`, { signal: AbortSignal.timeout(10_000) })).json()) as Status;
  } catch (err) {
    throw new Error(`the daemon did not answer /api/status: ${(err as Error).message}`);
  }
  return { s, ms: performance.now() - t0 };
}

/** Dial the V.22bis echo host with the AT commands given, then hand the port over from the test's terminal to `cat`s. */
async function callAndHandOver(t: ExecutionContext, d: Daemon, init: string, payload: Buffer) {
  await d.term.write(`AT${init}+MS=V22B\r`);
  await d.term.waitFor('OK\r\n', 10_000);
  await d.term.write('ATDT5552400\r');
  const connect = await d.term.waitFor(/CONNECT [^\r]*\r\n/, 60_000);
  await d.term.waitFor(ECHO_BANNER, 30_000);
  await d.term.close();
  const sent = join(d.dir, 'sent.bin');
  const got = join(d.dir, 'got.bin');
  writeFileSync(sent, payload);
  const out = openSync(got, 'w');
  const reader = spawn('cat', [d.link], { stdio: ['ignore', out, 'inherit'] });
  closeSync(out);
  const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', sent, d.link], { stdio: 'inherit' });
  const kill = (c: ChildProcess): void => void (c.exitCode === null && c.kill('SIGKILL'));
  t.teardown(() => {
    kill(reader);
    kill(writer);
  });
  const writerDone = new Promise<void>((r) => writer.once('exit', () => r()));
  return { connect, reader, writerDone, received: () => (statSync(got).size ? readFileSync(got) : Buffer.alloc(0)), size: () => statSync(got).size };
}

/**
 * Stop the reader until `enough` holds (or at most `maxMs`), asking /api/status every 100 ms. Returns the slowest
 * answer and how far the line clock and the bytes from the line moved meanwhile.
 */
async function stallReader(url: string, reader: ChildProcess, enough: (s: Status, t0: Status) => boolean, maxMs: number) {
  reader.kill('SIGSTOP');
  const first = (await status(url)).s;
  let worst = 0;
  let last = first;
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) {
    await sleep(100);
    const { s, ms } = await status(url);
    worst = Math.max(worst, ms);
    last = s;
    if (enough(s, first)) break;
  }
  reader.kill('SIGCONT');
  return { worstMs: worst, stoppedMs: Date.now() - t0, lineS: last.panel.lineS - first.panel.lineS, first, last };
}

async function waitForSize(size: () => number, n: number, ms: number): Promise<void> {
  const t0 = Date.now();
  while (size() < n) {
    if (Date.now() - t0 > ms) throw new Error(`the reader has ${size()} of ${n} bytes after ${ms} ms`);
    await sleep(100);
  }
}

test.serial('V.42: a terminal stopped for seconds holds the far end back by RNR; the daemon answers throughout; every byte arrives', async (t) => {
  const d = await startDaemon({ config: { modem: { modulation: 'v22bis' } } });
  t.teardown(d.stop);
  const url = await panelUrl(d.stdout);
  const payload = Buffer.from(randomBytes(192 * 1024, 11));
  const c = await callAndHandOver(t, d, '&Q5%C0', payload);
  t.regex(c.connect, /CONNECT 2400\/ARQ/);
  await waitForSize(c.size, 1024, 60_000);
  // Stopped until the bytes from the line stand still for a whole second of wall time: the buffers are full and
  // the far end is held by RNR (or 60 s at most, on a very slow machine).
  let still = { bytes: -1, since: Date.now() };
  const stall = await stallReader(
    url,
    c.reader,
    (s) => {
      const b = s.panel.call?.bytesFromLine ?? 0;
      if (b !== still.bytes) still = { bytes: b, since: Date.now() };
      return Date.now() - still.since >= 1000 && s.panel.lineS > 0;
    },
    60_000,
  );
  t.log(
    `reader stopped ${stall.stoppedMs} ms; line time meanwhile ${stall.lineS.toFixed(1)} s; slowest /api/status ${stall.worstMs.toFixed(0)} ms; bytes from the line then ${still.bytes}`,
  );
  t.true(stall.worstMs < 2000, `the daemon answered within ${stall.worstMs} ms`);
  t.true(stall.lineS > 5, 'the line kept running while the terminal did not read');
  t.is(stall.last.panel.state, 'online');
  t.true(still.bytes < payload.length, 'the modem stopped taking data from the line');
  await c.writerDone;
  await waitForSize(c.size, payload.length, 240_000);
  t.true(c.received().equals(payload), 'every byte, in order');
});

test.serial('no error control: beyond its buffers the modem drops what the line brings, counts it (ATI6 Overruns) and the rest arrives in order', async (t) => {
  const d = await startDaemon({ config: { modem: { modulation: 'v22bis' }, exchange: { line: { snrDb: 40, bandLimit: true } } } });
  t.teardown(d.stop);
  const url = await panelUrl(d.stdout);
  const payload = Buffer.from(randomBytes(128 * 1024, 12));
  const c = await callAndHandOver(t, d, '&Q0', payload);
  t.regex(c.connect, /CONNECT 2400\r\n/);
  await waitForSize(c.size, 1024, 60_000);
  // Stopped for 300 s of line time at 240 characters a second: 72,000 characters, more than the pty, the port's
  // queue, the modem's buffer towards the DTE and the pump's receive buffer hold together.
  const stall = await stallReader(url, c.reader, (s, s0) => s.panel.lineS - s0.panel.lineS >= 300, 120_000);
  t.log(`reader stopped ${stall.stoppedMs} ms; line time meanwhile ${stall.lineS.toFixed(1)} s; slowest /api/status ${stall.worstMs.toFixed(0)} ms`);
  t.true(stall.worstMs < 2000, `the daemon answered within ${stall.worstMs} ms`);
  t.true(stall.lineS >= 300, 'the line kept running');
  await c.writerDone;
  // Everything the line still brings arrives once the reader is back; then the overruns are read from ATI6.
  let size = -1;
  while (size !== c.size()) {
    size = c.size();
    await sleep(3000);
  }
  c.reader.kill('SIGTERM');
  const got = c.received();
  const gaps = findGaps(payload, got);
  const term = await openTerminal(d.link);
  t.teardown(() => term.close());
  await sleep(1100); // the escape's guard time
  await term.write('+++');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATI6\r');
  const page = await term.waitFor(/Chars sent[\s\S]*?\r\nOK\r\n/, 10_000);
  const overruns = Number(/Overruns\s+(\d+)/.exec(page)?.[1]);
  const lost = gaps.reduce((a, g) => a + g.length, 0);
  t.log(`received ${got.length} of ${payload.length}; ${gaps.length} gap(s) of ${lost} bytes, the first after byte ${gaps[0]?.at}; ATI6 Overruns ${overruns}`);
  t.true(lost > 0, 'the stall was longer than the buffers');
  t.true(gaps[0].at >= 40_000, `the first ${gaps[0].at} bytes arrived before the first loss (the buffers held them)`);
  t.is(overruns, lost, 'every byte lost is counted');
  t.regex(await d.waitForLog('characters from the line were lost', 5000), /\d+ characters from the line were lost/);
});

/** Where `got` skips bytes of `sent` (it must be `sent` in order with some runs left out); throws if it is not. */
function findGaps(sent: Buffer, got: Buffer): Array<{ at: number; length: number }> {
  const gaps: Array<{ at: number; length: number }> = [];
  let i = 0;
  let j = 0;
  while (j < got.length) {
    if (sent[i] === got[j]) {
      i++;
      j++;
      continue;
    }
    const next = sent.indexOf(got.subarray(j, j + 32), i);
    if (next < 0) throw new Error(`received byte ${j} is not in the sent data after byte ${i}`);
    gaps.push({ at: i, length: next - i });
    i = next;
  }
  if (i < sent.length) gaps.push({ at: i, length: sent.length - i });
  return gaps;
}
