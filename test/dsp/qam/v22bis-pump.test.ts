import test from 'ava';
import { lineModel, type LineModelOptions } from '../../../dsp/channel/line-model.ts';
import { FRAME_SAMPLES } from '../../../dsp/q15.ts';
import { V22bisDataPump, type V22bisPumpOptions } from '../../../dsp/qam/v22bis-pump.ts';
import type { DataPump } from '../../../dsp/pump.ts';
import { randomBytes } from '../../helpers/random.ts';
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { BandLimit } from '../../../dsp/channel/band-limit.ts';
import { FrequencyOffset } from '../../../dsp/channel/frequency-offset.ts';
import { connectCall, GroupDelayDistortion } from './link.ts';
import { PumpPair } from '../../helpers/pump-pair.ts';

interface CallResult {
  caller: V22bisDataPump;
  answerer: V22bisDataPump;
  connectSeconds: { caller: number; answerer: number };
  callerGot: Uint8Array;
  answererGot: Uint8Array;
  sent: Uint8Array;
}

/** Two pumps joined frame by frame through a line model each way; `bytes` each way once both are connected. */
function call(o: {
  dropout?: { fromFrame: number; frames: number };
  line?: LineModelOptions;
  caller?: V22bisPumpOptions;
  answerer?: V22bisPumpOptions;
  bytes?: number;
  seconds?: number;
  during?: (f: number, c: V22bisDataPump, a: V22bisDataPump) => void;
}): CallResult {
  const caller = new V22bisDataPump('caller', o.caller);
  const answerer = new V22bisDataPump('answerer', o.answerer);
  const ab = lineModel({ ...o.line, seed: 3 });
  const ba = lineModel({ ...o.line, seed: 4 });
  const cTx = new Int16Array(FRAME_SAMPLES);
  const aTx = new Int16Array(FRAME_SAMPLES);
  const cRx = new Int16Array(FRAME_SAMPLES);
  const aRx = new Int16Array(FRAME_SAMPLES);
  const sent = randomBytes(o.bytes ?? 600, 5);
  const connectSeconds = { caller: NaN, answerer: NaN };
  const callerGot: number[] = [];
  const answererGot: number[] = [];
  let queued = false;
  const frames = (o.seconds ?? 12) * 50;
  for (let f = 0; f < frames; f++) {
    caller.process(cRx, cTx);
    answerer.process(aRx, aTx);
    aRx.set(cTx);
    if (o.dropout && f >= o.dropout.fromFrame && f < o.dropout.fromFrame + o.dropout.frames) aRx.fill(0);
    ab.process(aRx, FRAME_SAMPLES);
    cRx.set(aTx);
    ba.process(cRx, FRAME_SAMPLES);
    if (caller.state === 'connected' && Number.isNaN(connectSeconds.caller)) connectSeconds.caller = f / 50;
    if (answerer.state === 'connected' && Number.isNaN(connectSeconds.answerer)) connectSeconds.answerer = f / 50;
    if (!queued && caller.state === 'connected' && answerer.state === 'connected') {
      caller.tx.queue.write(sent);
      answerer.tx.queue.write(sent);
      queued = true;
    }
    o.during?.(f, caller, answerer);
    callerGot.push(...caller.rx.take());
    answererGot.push(...answerer.rx.take());
  }
  return { caller, answerer, connectSeconds, callerGot: Uint8Array.from(callerGot), answererGot: Uint8Array.from(answererGot), sent };
}

test('the pump is a DataPump', (t) => {
  const p: DataPump = new V22bisDataPump('answerer');
  t.is(p.state, 'answer-tone');
  t.is(new V22bisDataPump('caller').state, 'await-usb1');
});

for (const [snrDb, offset] of [
  [30, 0],
  [16, 7],
] as const) {
  test(`V.22bis pair connects at 2400 and carries bytes both ways (${snrDb} dB, ${offset} Hz, 1800 Hz guard tone)`, (t) => {
    const r = call({ line: { snrDb, frequencyOffsetHz: offset || undefined }, answerer: { guardTone: 1800 } });
    t.log(`CONNECT at ${r.connectSeconds.caller.toFixed(2)} s (caller), ${r.connectSeconds.answerer.toFixed(2)} s (answerer)`);
    t.is(r.caller.connectRate, 2400);
    t.is(r.answerer.connectRate, 2400);
    t.true(r.connectSeconds.caller < 5 && r.connectSeconds.answerer < 5, 'handshake within 5 s');
    t.deepEqual(r.callerGot, r.sent);
    t.deepEqual(r.answererGot, r.sent);
    t.is(r.caller.framingErrors + r.answerer.framingErrors, 0);
  });
}

test('fallback: a V.22 (1200 bit/s) caller and a V.22bis answerer connect at 1200 (V.22bis §6.3.1.2)', (t) => {
  const r = call({ line: { snrDb: 25 }, caller: { maxRate: 1200 } });
  t.is(r.caller.connectRate, 1200);
  t.is(r.answerer.connectRate, 1200);
  t.deepEqual(r.answererGot, r.sent);
  t.deepEqual(r.callerGot, r.sent);
});

test('fallback: a V.22bis caller and a V.22 answerer connect at 1200', (t) => {
  const r = call({ line: { snrDb: 25 }, answerer: { maxRate: 1200 } });
  t.is(r.caller.connectRate, 1200);
  t.is(r.answerer.connectRate, 1200);
  t.deepEqual(r.answererGot, r.sent);
});

test('retrain on request (V.22bis §6.3.1.3): both ends go through S1 and come back to 2400 with data intact', (t) => {
  const seen = new Set<string>();
  const r = call({
    line: { snrDb: 25 },
    bytes: 2000,
    seconds: 16,
    during: (f, c, a) => {
      if (f === 300) t.true(c.retrain());
      if (f > 300) seen.add(a.state);
    },
  });
  t.true(seen.has('send-s1'), 'the answerer answered the S1');
  t.is(r.caller.retrains, 1);
  t.is(r.answerer.retrains, 1);
  t.is(r.caller.state, 'connected');
  t.is(r.answerer.state, 'connected');
  t.is(r.caller.connectRate, 2400);
  // The requester finishes the character on the line before its S1, the responder drops what the S1 made of the
  // data before it recognised it, and characters queued meanwhile wait: that direction loses nothing.
  t.deepEqual(r.answererGot, r.sent);
  // The other way, the responder's characters still in flight when the requester stopped listening are lost.
  t.deepEqual(r.callerGot.subarray(-1000), r.sent.subarray(-1000));
});

test('carrier loss: the far end going silent ends the call (carrier-lost)', (t) => {
  const r = call({
    line: { snrDb: 30 },
    seconds: 10,
    during: (f, c) => {
      if (f >= 350) (c as unknown as { state: string }).state = 'carrier-lost'; // the caller hangs up: silence
    },
  });
  t.is(r.answerer.state, 'carrier-lost');
});

test('band-limited line with group-delay distortion at 20 dB: five calls connect at 2400 and carry bytes exactly', (t) => {
  for (let i = 0; i < 5; i++) {
    const r = connectCall((d) => [new BandLimit(), new GroupDelayDistortion(), new Awgn({ snrDb: 20, signalDbm0: -10, seed: 50 + i + 1000 * d })], 50 + i);
    t.is(r.rate, 2400, `call ${i}`);
    t.true(r.clean, `call ${i}`);
    t.true(r.connectSeconds < 5);
  }
});

test('16 dB SNR with 7 Hz offset, five more calls: 2400 and exact bytes; at 12 dB they still connect at 2400', (t) => {
  for (let i = 0; i < 5; i++) {
    const r = connectCall((d) => [new FrequencyOffset(7), new Awgn({ snrDb: 16, signalDbm0: -10, seed: 70 + i + 1000 * d })], 70 + i);
    t.is(r.rate, 2400, `16 dB call ${i}`);
    t.true(r.clean, `16 dB call ${i}`);
  }
  for (let i = 0; i < 3; i++) {
    const r = connectCall((d) => [new FrequencyOffset(7), new Awgn({ snrDb: 12, signalDbm0: -10, seed: 90 + i + 1000 * d })], 90 + i);
    t.is(r.rate, 2400, `12 dB call ${i}`);
  }
});

test('Bell 212A: a Bell answerer (2225 Hz answer tone, no S1) and a V.22bis caller connect at 1200, the caller choosing Bell from the tone', (t) => {
  const callerStates = new Set<string>();
  const r = call({ line: { snrDb: 20, frequencyOffsetHz: 7 }, answerer: { bell: true }, during: (_f, c) => callerStates.add(c.state) });
  t.is(r.answerer.state, 'connected');
  t.is(r.caller.connectRate, 1200);
  t.is(r.answerer.connectRate, 1200);
  t.false(callerStates.has('send-s1'), 'no S1 towards a Bell modem');
  t.true(r.connectSeconds.caller < 3);
  t.deepEqual(r.callerGot, r.sent);
  t.deepEqual(r.answererGot, r.sent);
});

test('loss of signal: a 300 ms dropout loses only the characters under it; one longer than S10 (1.4 s) ends the call', (t) => {
  for (const [dropMs, expectState] of [
    [300, 'connected'],
    [2000, 'carrier-lost'],
  ] as const) {
    const r = call({
      line: { snrDb: 25 },
      bytes: 2400,
      seconds: 30,
      // The caller's signal towards the answerer vanishes at 8 s (frames 400 on): cut it in the answerer's input.
      during: () => {},
      dropout: { fromFrame: 400, frames: dropMs / 20 },
    });
    t.is(r.answerer.state, expectState, `${dropMs} ms`);
    if (expectState === 'connected') {
      // At 240 characters/s a 300 ms gap takes about 72, plus the carrier detector's response when the signal comes back
      // (100 ms: V.22 §2.7 asks 105 ± 40 ms, received data clamped to mark until then) and what the squelch holds back.
      t.true(r.answererGot.length > r.sent.length - 130 && r.answererGot.length < r.sent.length, `${r.answererGot.length}`);
      t.deepEqual(r.answererGot.subarray(-1000), r.sent.subarray(-1000));
      t.is(r.answerer.retrains, 0);
    }
  }
});

test('fallback on a poor line (issue 4): at 8 dB SNR 2400 bit/s errs; the pair retrains, falls back to 1200 and then carries data exactly', (t) => {
  const c = new V22bisDataPump('caller');
  const a = new V22bisDataPump('answerer');
  const ab = lineModel({ snrDb: 8, bandLimit: true, seed: 3 });
  const ba = lineModel({ snrDb: 8, bandLimit: true, seed: 4 });
  const pair = new PumpPair(c, a, ab, ba);
  const idle = randomBytes(64, 11);
  const sent = randomBytes(1200, 12);
  const got: number[][] = [[], []];
  const errorsAt2400 = [0, 0];
  let queuedAt = -1;
  let quiet = 0;
  for (let f = 0; f < 50 * 30; f++) {
    pair.step();
    const both = c.state === 'connected' && a.state === 'connected';
    // Characters both ways all along; at 2400 bit/s they come out with errors.
    if (queuedAt < 0) {
      for (const p of [c, a]) if (p.state === 'connected' && p.rate === 2400 && p.tx.queue.length < 16) p.tx.queue.write(idle);
      if (c.rate === 2400) [c, a].forEach((p, k) => (errorsAt2400[k] = p.framingErrors));
    }
    // Once both have fallen back and the last idle characters are through (a second with nothing queued), the payload.
    quiet = both && c.fallbacks > 0 && a.fallbacks > 0 && !c.tx.busy && !a.tx.busy ? quiet + 1 : 0;
    if (queuedAt < 0 && quiet >= 50) {
      queuedAt = f;
      [c, a].forEach((p, k) => {
        while (p.rx.shift() >= 0);
        got[k] = [];
        p.tx.queue.write(sent);
      });
    }
    if (queuedAt >= 0)
      [c, a].forEach((p, k) => {
        for (let b = p.rx.shift(); b >= 0; b = p.rx.shift()) got[k].push(b);
      });
  }
  t.log(
    `framing errors at 2400 bit/s: caller ${errorsAt2400[0]}, answerer ${errorsAt2400[1]}; retrains ${c.retrains}/${a.retrains}; fallback, then ${sent.length} bytes each way from ${(queuedAt / 50).toFixed(1)} s`,
  );
  t.true(errorsAt2400[0] + errorsAt2400[1] > 0, 'the line is too poor for 2400 bit/s');
  t.is(c.retrains, 1, 'one retrain first (V.22bis §6.3.1.3)');
  t.is(c.fallbacks, 1);
  t.is(a.fallbacks, 1);
  t.is(c.rate, 1200);
  t.is(a.connectRate, 1200);
  t.is(c.state, 'connected');
  t.is(a.state, 'connected');
  t.deepEqual(Uint8Array.from(got[0]), sent);
  t.deepEqual(Uint8Array.from(got[1]), sent);
});

test('no fallback on a line fit for 2400 bit/s: 30 s at 14 dB SNR, band limited, stays at 2400 without a retrain', (t) => {
  const r = call({ line: { snrDb: 14, bandLimit: true }, bytes: 3000, seconds: 30 });
  t.is(r.caller.rate, 2400);
  t.is(r.caller.retrains + r.answerer.retrains + r.caller.fallbacks + r.answerer.fallbacks, 0);
  t.deepEqual(r.answererGot, r.sent);
  t.deepEqual(r.callerGot, r.sent);
});
