/**
 * The panel's parts on their own: the receiver tap (bounded, decimated, integer), the spectrum meter against a
 * known tone, the SNR estimate against the channel model, and the call log kept across restarts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { FRAME_SAMPLES } from '../../dsp/q15.ts';
import { V22bisDataPump } from '../../dsp/qam/v22bis-pump.ts';
import { ReceiverTap } from '../../dsp/tap.ts';
import { CALL_LOG_SIZE, CallLog } from '../../firmware-app/panel/call-log.ts';
import { lineQuality, qFunction } from '../../firmware-app/panel/line-quality.ts';
import { SpectrumMeter } from '../../firmware-app/panel/spectrum.ts';
import { channelFor } from '../../hal/line/simulated-exchange.ts';

test('ReceiverTap: keeps one pair in `every`, the newest `size` at most, and drains each once', (t) => {
  const tap = new ReceiverTap(8, 3);
  for (let i = 1; i <= 60; i++) tap.push(i, -i);
  const out = new Int32Array(32);
  const n = tap.drain(out);
  t.is(n, 8, 'bounded by the ring');
  t.deepEqual(
    [...out.subarray(0, 2 * n)].filter((_, k) => k % 2 === 0),
    [37, 40, 43, 46, 49, 52, 55, 58],
  );
  t.is(out[1], -37);
  t.is(tap.drain(out), 0, 'nothing new');
  tap.push(61, 0);
  tap.push(62, 0);
  tap.push(63, 0);
  t.is(tap.drain(out), 1);
  t.is(out[0], 61);
  t.throws(() => new ReceiverTap(10));
});

test('SpectrumMeter: a −10 dBm0 tone at 1000 Hz reads −10 dBm0 ± 0.5 in its bin, and the rest stays far below', (t) => {
  const m = new SpectrumMeter();
  const amp = 32767 * 10 ** ((-10 - 3.14) / 20);
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < 8; f++) {
    for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = Math.round(amp * Math.sin((2 * Math.PI * 1000 * (f * FRAME_SAMPLES + i)) / 8000));
    m.push(frame);
  }
  const s = m.spectrum()!;
  t.is(s.length, 129);
  t.true(Math.abs(s[32] + 10) < 0.5, `bin 32 (1000 Hz): ${s[32]}`);
  t.true(Math.max(...s.slice(40)) < -60, 'far from the tone');
});

test('line quality: the SNR from the equaliser error is within 1 dB of the channel model from 15 to 35 dB', (t) => {
  for (const snrDb of [15, 25, 35]) {
    const caller = new V22bisDataPump('caller');
    const answerer = new V22bisDataPump('answerer', { answerToneMs: 0 });
    const [up, down] = [channelFor({ snrDb, bandLimit: true }), channelFor({ snrDb, bandLimit: true })];
    const [ct, at, cr, ar] = [0, 1, 2, 3].map(() => new Int16Array(FRAME_SAMPLES));
    const mse: number[] = [];
    for (let f = 0; f < 50 * 20; f++) {
      cr.set(at);
      down.process(cr, FRAME_SAMPLES);
      ar.set(ct);
      up.process(ar, FRAME_SAMPLES);
      caller.process(cr, ct);
      answerer.process(ar, at);
      if (f > 50 * 8 && f % 10 === 0) mse.push(10 ** (-lineQuality(caller).snrDb! / 10));
    }
    const est = -10 * Math.log10(mse.reduce((a, b) => a + b, 0) / mse.length);
    t.log(`channel ${snrDb} dB: estimate ${est.toFixed(2)} dB`);
    t.true(Math.abs(est - snrDb) < 1, `${est} against ${snrDb}`);
    const q = lineQuality(caller);
    t.true(q.rxLevelDbm0! > -11 && q.rxLevelDbm0! < -9);
    t.is(q.retrains, 0);
    t.true(q.berEstimate! >= 0 && q.berEstimate! < 0.5);
  }
  t.true(Math.abs(qFunction(1) - 0.158655) < 1e-6);
  t.deepEqual(lineQuality(null), { snrDb: null, rxLevelDbm0: null, carrierOffsetHz: null, eqMseDb: null, berEstimate: null, retrains: null });
});

test('CallLog: the last 100 calls, kept in the state directory across restarts; a damaged file starts a new log', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-calllog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log: string[] = [];
  const a = new CallLog(dir, (l) => log.push(l));
  const rec = (i: number) => ({
    direction: 'outgoing' as const,
    number: String(i),
    modulation: 'v21' as const,
    rate: 300,
    startedAt: i,
    durationMs: 1000,
    connectedMs: 500,
    bytesToLine: 1,
    bytesFromLine: 2,
    result: 'hangup',
    retrains: null,
  });
  for (let i = 0; i < CALL_LOG_SIZE + 5; i++) a.add(rec(i));
  const b = new CallLog(dir, (l) => log.push(l));
  t.is(b.all.length, CALL_LOG_SIZE);
  t.is(b.all[0].number, '5');
  t.is(b.all[CALL_LOG_SIZE - 1].number, String(CALL_LOG_SIZE + 4));
  rmSync(join(dir, 'calls.json'));
  writeFileSync(join(dir, 'calls.json'), '{not json');
  const c = new CallLog(dir, (l) => log.push(l));
  t.is(c.all.length, 0);
  t.regex(log.join('\n'), /call log .* unreadable/);
});
