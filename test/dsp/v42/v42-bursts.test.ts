import test from 'ava';
import type { V42DataPump } from '../../../dsp/v42/v42-pump.ts';
import { randomBytes } from '../../helpers/random.ts';
import { ENGLISH } from './corpus.ts';
import { compareStreams, runV42Call } from './v42-call.ts';

/** The pattern: 200 ms of noise at 0 dB SNR every 5 s through a 10-minute call (line time). */
const BURSTS = { periodMs: 5000, burstMs: 200, snrDb: 0 };

test('10-minute V.22bis + V.42 call with noise bursts: every byte once, in order, both ways', (t) => {
  // More than 10 minutes of data at ~280 cps, so the link is busy for the whole call.
  const d1 = randomBytes(200_000, 11);
  const d2 = randomBytes(200_000, 12);
  const r = runV42Call({
    caller: { errorControl: 'required', compression: false },
    answerer: { errorControl: 'required', compression: false },
    toAnswerer: d1,
    toCaller: d2,
    seconds: 600,
    line: { snrDb: 30 },
    bursts: BURSTS,
  });
  const c = r.caller.pump as V42DataPump;
  const a = r.answerer.pump as V42DataPump;
  t.is(c.state, 'connected', c.reason);
  // Whatever arrived is an exact prefix of what was sent: nothing lost in the middle, nothing twice.
  const got1 = r.answerer.got;
  const got2 = r.caller.got;
  t.deepEqual(Buffer.from(got1), Buffer.from(d1.subarray(0, got1.length)));
  t.deepEqual(Buffer.from(got2), Buffer.from(d2.subarray(0, got2.length)));
  const secs = r.seconds - r.caller.connectedAtS;
  t.log(
    `${r.seconds} s of line; to answerer ${got1.length} B (${(got1.length / secs).toFixed(0)} cps), to caller ${got2.length} B (${(got2.length / secs).toFixed(0)} cps)`,
  );
  t.log(`caller: ${JSON.stringify(c.stats)}`);
  t.log(`answerer: ${JSON.stringify(a.stats)}; modem retrains ${(c.modem as unknown as { retrains: number }).retrains}`);
  t.true(r.seconds >= 599);
  t.true(c.stats.retransmissions > 0);
  // Selective retransmission, agreed by XID (both ends offer it): the frames after a burst's gap are kept.
  t.true(c.params.srej && a.params.srej);
  t.true(c.stats.srejSent > 0 && a.stats.srejSent > 0);
  t.is(c.stats.rejSent + a.stats.rejSent, 0);
  t.true(got1.length / secs > 200, `${(got1.length / secs).toFixed(0)} cps`);
});

test('V.42bis under the same bursts: text and random data, byte-exact', (t) => {
  const mixed = Buffer.concat([ENGLISH, randomBytes(30_000, 5), ENGLISH]);
  const r = runV42Call({
    caller: { errorControl: 'required', compression: true },
    answerer: { errorControl: 'required', compression: true },
    toAnswerer: mixed,
    toCaller: mixed,
    seconds: 600,
    bursts: BURSTS,
    line: { snrDb: 30 },
  });
  t.true(compareStreams(mixed, r.answerer.got).exact);
  t.true(compareStreams(mixed, r.caller.got).exact);
  t.log(`done in ${r.answerer.doneAtS - r.answerer.connectedAtS} s; caller ${JSON.stringify((r.caller.pump as V42DataPump).stats)}`);
});
