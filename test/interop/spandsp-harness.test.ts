/**
 * The spandsp peer against itself: proves the harness (the C peer, the lock-step joiner, the BER pipe)
 * before Dialtone's own modems are joined to it.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildSpandspModem,
  runLockstep,
  spandspBer,
  spandspPeer,
  spandspThroughput,
  SPANDSP_CHANNELS,
  type SpandspFamily,
} from './spandsp.ts';

/** Deterministic payload bytes (a 32-bit LCG, top byte). */
function seededBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'dialtone-spandsp-'));
test.before(() => {
  buildSpandspModem();
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes each way: the caller's direction is slow on V.23 (75 bit/s backward channel). */
const PAYLOADS: Record<SpandspFamily, { caller: number; answerer: number }> = {
  v21: { caller: 512, answerer: 512 },
  bell103: { caller: 512, answerer: 512 },
  v23: { caller: 64, answerer: 2048 },
  bell202: { caller: 1024, answerer: 1024 },
};

for (const modem of Object.keys(PAYLOADS) as SpandspFamily[]) {
  test(`spandsp ${modem} caller and answerer exchange payloads byte-exact`, async (t) => {
    const sizes = PAYLOADS[modem];
    const fromCaller = seededBytes(sizes.caller, 0xc0ffee);
    const fromAnswerer = seededBytes(sizes.answerer, 0xbeef);
    const file = (name: string): string => join(dir, `${modem}-${name}`);
    writeFileSync(file('caller.send'), fromCaller);
    writeFileSync(file('answerer.send'), fromAnswerer);
    const limits = { maxSeconds: 60 };
    const result = await runLockstep(
      spandspPeer({ modem, role: 'caller', send: file('caller.send'), recv: file('caller.recv'), expect: sizes.answerer, verbose: true, ...limits }),
      spandspPeer({ modem, role: 'answerer', send: file('answerer.send'), recv: file('answerer.recv'), expect: sizes.caller, verbose: true, ...limits }),
      { maxLineSeconds: 60 },
    );
    t.log(`${modem}: ${result.lineSeconds.toFixed(2)} s of line time`);
    t.false(result.timedOut, `${result.a.stderr}\n${result.b.stderr}`);
    t.is(result.a.exitCode, 0, result.a.stderr);
    t.is(result.b.exitCode, 0, result.b.stderr);
    t.true(readFileSync(file('answerer.recv')).equals(fromCaller), 'caller to answerer');
    t.true(readFileSync(file('caller.recv')).equals(fromAnswerer), 'answerer to caller');
  });
}

test('a peer that is hung up on exits 0 at end of input', async (t) => {
  const result = await runLockstep(
    spandspPeer({ modem: 'v21', role: 'caller' }),
    spandspPeer({ modem: 'v21', role: 'answerer' }),
    { maxLineSeconds: 1 },
  );
  t.true(result.timedOut);
  t.is(result.frames, 50);
  t.is(result.a.exitCode, 0);
  t.is(result.b.exitCode, 0);
});

test('--max-seconds ends an unanswered call with exit status 2', async (t) => {
  const result = await runLockstep(
    spandspPeer({ modem: 'v21', role: 'caller', maxSeconds: 1 }),
    spandspPeer({ modem: 'v21', role: 'caller' }),
    { maxLineSeconds: 10 },
  );
  t.false(result.timedOut);
  t.is(result.a.exitCode, 2);
});

for (const spec of SPANDSP_CHANNELS) {
  test(`spandsp BER ${spec}: no errors over 20000 bits without noise`, async (t) => {
    const r = await spandspBer(spec, 20000);
    t.true(r.bits > 19900, JSON.stringify(r));
    t.is(r.errors, 0);
    t.is(r.missing, 0);
  });
}

test('spandspBer streams through a transform in frames of 160 samples', async (t) => {
  const sizes: number[] = [];
  const r = await spandspBer('v21ch2', 3000, (buf, n) => {
    sizes.push(n);
    t.is(buf.length, n);
  });
  t.is(r.errors, 0);
  t.true(r.bits > 2900);
  t.true(sizes.slice(0, -1).every((n) => n === 160));
});

test('spandspBer counts the errors a transform introduces', async (t) => {
  // Silence half of every 20th frame: bursts of errors, and the checker must stay aligned between them.
  let frame = 0;
  const r = await spandspBer('bell202', 20000, (buf, n) => {
    if (++frame % 20 === 0) buf.fill(0, 0, n >> 1);
  });
  t.true(r.errors > 0, JSON.stringify(r));
  t.true(r.bits + r.missing > 19900, JSON.stringify(r));
});

test('spandsp throughput mode runs both directions and reports real-time factor', async (t) => {
  const r = await spandspThroughput('v21', 5);
  t.is(r.seconds_line, 5);
  t.true(r.x_realtime > 10, JSON.stringify(r));
  t.true(r.chars_ok >= r.chars_sent - 4, JSON.stringify(r));
});

test('a connected peer gives up 1 s after the carrier disappears (NO CARRIER)', async (t) => {
  let frames = 0;
  const cutAtFrame = 300; // 6 s: well after the V.21 connection at about 3.7 s
  const result = await runLockstep(spandspPeer({ modem: 'v21', role: 'caller' }), spandspPeer({ modem: 'v21', role: 'answerer', verbose: true }), {
    maxLineSeconds: 30,
    aToB: (frame) => {
      if (++frames > cutAtFrame) frame.fill(0);
    },
  });
  t.false(result.timedOut);
  t.is(result.b.exitCode, 0);
  t.regex(result.b.stderr, /NO CARRIER/);
  t.true(result.lineSeconds > 7 && result.lineSeconds < 7.5, String(result.lineSeconds));
});
