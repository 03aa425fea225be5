/**
 * The automode answerer under V.42 (AT+MS=V22B,1 with &Q5): createDataPump('auto', 'answerer') with V.42 options
 * wraps the automode pump in V42DataPump. A V.22bis or V.22 caller with V.42 gets LAPM (and V.42bis); one without
 * V.42 a normal connection (fallback); an FSK caller a plain buffered 300 bit/s connection (no V.42 over FSK).
 */
import test from 'ava';
import { AutomodePump } from '../../../dsp/automode-pump.ts';
import { lineModel } from '../../../dsp/channel/line-model.ts';
import { createDataPump, type Modulation } from '../../../dsp/pump-factory.ts';
import type { DataPump } from '../../../dsp/pump.ts';
import { V42DataPump, type V42Options } from '../../../dsp/v42/v42-pump.ts';
import { connectSuffix } from '../../../firmware-app/error-control.ts';
import { randomBytes } from '../../helpers/random.ts';
import { PumpPair } from '../../helpers/pump-pair.ts';

const SETTINGS = { txLevelDbm0: -10, carrierDetectMs: 600, carrierLossMs: 1400 };
const V42BIS: V42Options = { errorControl: 'auto', compression: true };

interface Result {
  answerer: V42DataPump;
  caller: DataPump;
  answererGot: Uint8Array;
  callerGot: Uint8Array;
  connectS: number;
}

/** The automode answerer with V.42 and `caller`, through a band-limited 30 dB line; `sent` each way once connected. */
function call(caller: DataPump, sent: Uint8Array, seconds: number, v42 = V42BIS): Result {
  const answerer = createDataPump('auto', 'answerer', { ...SETTINGS, v42 });
  if (!(answerer instanceof V42DataPump)) throw new Error('automode with V.42 options: not a V42DataPump');
  const ab = lineModel({ bandLimit: true, snrDb: 30, seed: 5 });
  const ba = lineModel({ bandLimit: true, snrDb: 30, seed: 6 });
  const pair = new PumpPair(caller, answerer, ab, ba);
  const callerGot: number[] = [];
  const answererGot: number[] = [];
  let connectS = NaN;
  let queuedAt = -1;
  for (let f = 0; f < seconds * 50; f++) {
    pair.step();
    if (queuedAt < 0 && caller.state === 'connected' && answerer.state === 'connected') {
      connectS = f / 50;
      queuedAt = f + 50; // the FSK receivers look for a start bit only after carrier detect
    }
    if (f === queuedAt) {
      caller.tx.queue.write(sent);
      answerer.tx.queue.write(sent);
    }
    if (queuedAt < 0) continue; // the DTE reads from CONNECT on (before it, V.42 detection patterns as characters)
    for (let b = caller.rx.shift(); b >= 0; b = caller.rx.shift()) callerGot.push(b);
    for (let b = answerer.rx.shift(); b >= 0; b = answerer.rx.shift()) answererGot.push(b);
    if (queuedAt >= 0 && callerGot.length >= sent.length && answererGot.length >= sent.length && !answerer.tx.busy) break;
  }
  return { answerer, caller, answererGot: Uint8Array.from(answererGot), callerGot: Uint8Array.from(callerGot), connectS };
}

function identity(r: Result): string | null {
  return r.answerer.modem instanceof AutomodePump ? r.answerer.modem.identified : 'not automode';
}

const ARQ_CASES: [string, Modulation, string, number][] = [
  ['V.22bis', 'v22bis', 'v22bis', 2400],
  ['V.22', 'v22', 'v22', 1200],
];

for (const [name, modulation, id, rate] of ARQ_CASES) {
  test(`automode + V.42 answerer, our ${name} caller with V.42: LAPM + V.42bis at ${rate}, 2000 bytes each way exact`, (t) => {
    const caller = createDataPump(modulation, 'caller', { ...SETTINGS, v42: V42BIS });
    const sent = randomBytes(2000, 21);
    const r = call(caller, sent, 60);
    const s = r.answerer.stats;
    t.log(
      `${name}: identified ${identity(r)}, CONNECT ${r.answerer.connectRate}${connectSuffix(r.answerer, 0)} at ${r.connectS.toFixed(2)} s, ${s.iFramesReceived} I frames in, ${s.retransmissions} retransmissions`,
    );
    t.is(identity(r), id);
    t.is(r.answerer.connectRate, rate);
    t.is(r.answerer.mode, 'lapm');
    t.true(r.answerer.compressing);
    t.is(connectSuffix(r.answerer, 0), '/ARQ'); // the result code the daemon gives (W0)
    t.is(connectSuffix(r.answerer, 1), '/ARQ/V42BIS');
    t.is((caller as V42DataPump).mode, 'lapm');
    t.deepEqual(r.answererGot, sent);
    t.deepEqual(r.callerGot, sent);
  });
}

test('automode + V.42 (&Q5) answerer, a V.22bis caller without V.42: falls back to a normal 2400 connection', (t) => {
  const sent = randomBytes(600, 22);
  const r = call(createDataPump('v22bis', 'caller', SETTINGS), sent, 40);
  t.log(`identified ${identity(r)}, CONNECT ${r.answerer.connectRate} at ${r.connectS.toFixed(2)} s, ${r.answerer.reason}`);
  t.is(identity(r), 'v22bis');
  t.is(r.answerer.connectRate, 2400);
  t.is(r.answerer.mode, 'normal');
  t.is(r.answerer.reason, 'no answer to the detection phase');
  t.deepEqual(r.answererGot, sent);
  t.deepEqual(r.callerGot, sent);
});

for (const [name, modulation, id] of [
  ['Bell 103', 'bell103', 'bell103'],
  ['V.21', 'v21', 'v21'],
] as const) {
  test(`automode + V.42 (&Q5) answerer, a ${name} caller: a plain buffered 300 bit/s connection, data exact`, (t) => {
    const sent = randomBytes(200, 23);
    const r = call(createDataPump(modulation, 'caller', SETTINGS), sent, 40);
    t.log(`identified ${identity(r)}, CONNECT ${r.answerer.connectRate} at ${r.connectS.toFixed(2)} s, ${r.answerer.reason}`);
    t.is(identity(r), id);
    t.is(r.answerer.connectRate, 300);
    t.is(r.answerer.mode, 'normal');
    t.false(r.answerer.carryingData);
    t.is(connectSuffix(r.answerer, 1), ''); // plain CONNECT 300
    t.deepEqual(r.answererGot, sent);
    t.deepEqual(r.callerGot, sent);
    t.is(r.answerer.framingErrors, 0);
  });
}

test('automode + V.42 required (S36=0) answerer, a Bell 103 caller: no V.42 over FSK, so the call is hung up', (t) => {
  const r = call(createDataPump('bell103', 'caller', SETTINGS), new Uint8Array(0), 10, { ...V42BIS, errorControl: 'required' });
  t.is(identity(r), 'bell103');
  t.is(r.answerer.state, 'carrier-lost');
  t.is(r.answerer.reason, 'V.42 is not offered over this modulation');
});
