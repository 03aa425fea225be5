import test from 'ava';
import { V42DataPump, type V42Options } from '../../../dsp/v42/v42-pump.ts';
import { randomBytes } from '../../helpers/random.ts';
import { ENGLISH } from './corpus.ts';
import { compareStreams, runV42Call } from './v42-call.ts';

const AUTO: V42Options = { errorControl: 'auto', compression: false };
const BIS: V42Options = { errorControl: 'auto', compression: true };

test('V.22bis + V.42: detection, LAPM, 8 KiB each way byte-exact at 30 dB', (t) => {
  const d1 = randomBytes(8192, 1);
  const d2 = randomBytes(8192, 2);
  const r = runV42Call({ caller: AUTO, answerer: AUTO, toAnswerer: d1, toCaller: d2, seconds: 90, line: { snrDb: 30 } });
  const c = r.caller.pump as V42DataPump;
  const a = r.answerer.pump as V42DataPump;
  t.is(c.mode, 'lapm');
  t.is(a.mode, 'lapm');
  t.true(compareStreams(d1, r.answerer.got).exact);
  t.true(compareStreams(d2, r.caller.got).exact);
  const cps = 8192 / (r.answerer.doneAtS - r.answerer.connectedAtS);
  t.log(`connected at ${r.caller.connectedAtS}s; ${cps.toFixed(0)} cps; caller ${JSON.stringify(c.stats)}`);
  t.true(cps > 270);
});

test('V.42bis on English text: more than twice the line rate; both ends agree P0 = 3', (t) => {
  const text = ENGLISH.subarray(0, 20000);
  const r = runV42Call({ caller: BIS, answerer: BIS, toAnswerer: text, toCaller: text, seconds: 90 });
  const c = r.caller.pump as V42DataPump;
  t.true(c.compressing);
  t.is(c.params.p0, 3);
  t.true(compareStreams(text, r.answerer.got).exact);
  t.true(compareStreams(text, r.caller.got).exact);
  const cps = text.length / (r.answerer.doneAtS - r.answerer.connectedAtS);
  t.log(`${cps.toFixed(0)} cps`);
  t.true(cps > 480);
});

test('fallback: a caller with V.42 and an answerer without it make a normal connection; required hangs up', (t) => {
  const d = randomBytes(2000, 3);
  const r = runV42Call({ caller: AUTO, answerer: null, toAnswerer: d, toCaller: d, seconds: 40 });
  t.is((r.caller.pump as V42DataPump).mode, 'normal');
  // A modem without V.42 hands the ODP's DC1 characters (0x11, 0x91 as 8N1) to its DTE, as real ones did.
  let k = 0;
  while (r.answerer.got[k] === 0x11 || r.answerer.got[k] === 0x91) k++;
  t.log(`${k} DC1 characters before the data`);
  t.true(compareStreams(d, r.answerer.got.subarray(k)).exact);
  t.true(compareStreams(d, r.caller.got).exact);
  const q = runV42Call({ caller: { ...AUTO, errorControl: 'required' }, answerer: null, toAnswerer: d, toCaller: d, seconds: 20 });
  t.is(q.caller.pump.state, 'carrier-lost');
  const z = runV42Call({ caller: null, answerer: AUTO, toAnswerer: d, toCaller: d, seconds: 40 });
  t.is((z.answerer.pump as V42DataPump).mode, 'normal');
  t.true(compareStreams(d, z.answerer.got).exact);
  t.true(compareStreams(d, z.caller.got).exact);
});

test('hanging up with the link up: DISC, the far end answers UA and ends its side; released well within T401', (t) => {
  const d = randomBytes(3000, 4);
  const r = runV42Call({ caller: AUTO, answerer: AUTO, toAnswerer: d, toCaller: d, seconds: 40, hangupAtS: 20 });
  const c = r.caller.pump as V42DataPump;
  const a = r.answerer.pump as V42DataPump;
  t.true(compareStreams(d, r.answerer.got).exact);
  t.log(`caller ${c.state} ${c.reason}; answerer ${a.state} ${a.reason}; ${r.seconds}s`);
  t.is(a.reason, 'LAPM ended: far end sent DISC');
  t.is(c.reason, 'LAPM ended: DISC answered');
  t.truthy(r.caller.releasedAtS);
  const waited = r.caller.releasedAtS! - 20;
  t.log(`released ${waited.toFixed(2)} s after DISC was queued`);
  t.true(waited > 0 && waited < 1.5, `${waited}`);
});
