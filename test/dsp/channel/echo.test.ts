import test from 'ava';
import { TalkerEcho } from '../../../dsp/channel/echo.ts';
import { db, meanSquare, snrDb, tone } from './helpers.ts';

test('TalkerEcho: rx gains tx delayed by delayMs and lowered by lossDb, against a float model', (t) => {
  for (const [lossDb, delayMs] of [[6, 0], [11, 2.5], [20, 40]]) {
    const echo = new TalkerEcho({ lossDb, delayMs });
    const d = Math.round(delayMs * 8);
    const tx = tone(1700, -10, 4000);
    const far = tone(600, -30, 4000);
    const rx = far.slice();
    for (let i = 0; i < rx.length; i += 160) echo.process(rx.subarray(i, i + 160), tx.subarray(i, i + 160), 160);
    const g = 10 ** (-lossDb / 20);
    const reference = Float64Array.from(far, (v, i) => v + (i >= d ? g * tx[i - d] : 0));
    const err = snrDb(reference, rx);
    const echoOnly = Float64Array.from(rx, (v, i) => v - far[i]);
    const loss = db(meanSquare(tx, 0, 4000 - d) / meanSquare(echoOnly, d));
    t.true(Math.abs(loss - lossDb) < 0.02, `${lossDb} dB at ${delayMs} ms: measured ${loss}`);
    // Only the echo is rounded: 1/12 LSB² of error at most, plus 1.5 dB of slack.
    t.true(err > db(meanSquare(reference) * 12) - 1.5, `error against float model ${err} dB`);
    t.is(echoOnly.slice(0, d).every((v) => v === 0), true, 'nothing before the delay');
  }
});

test('TalkerEcho: validation', (t) => {
  t.throws(() => new TalkerEcho({ lossDb: -3, delayMs: 1 }), { message: /lossDb/ });
  t.throws(() => new TalkerEcho({ lossDb: 10, delayMs: -1 }), { message: /TalkerEcho/ });
});
