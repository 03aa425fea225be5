import test from 'ava';
import { AutomodeCaller, type AutomodeCallerOptions } from '../../dsp/automode-caller.ts';
import type { AnswerStandard, AutomodeIdentity } from '../../dsp/automode-pump.ts';
import { lineModel } from '../../dsp/channel/line-model.ts';
import { DEFAULT_TIMINGS, FskDataPump } from '../../dsp/fsk/fsk-pump.ts';
import { FSK_MODES } from '../../dsp/fsk/specs.ts';
import { createDataPump, type Modulation } from '../../dsp/pump-factory.ts';
import type { DataPump } from '../../dsp/pump.ts';
import { FRAME_SAMPLES } from '../../dsp/q15.ts';
import { Nco } from '../../dsp/nco.ts';
import { AnswererSignals } from '../../dsp/tones/answerer-signals.ts';
import { PumpPair } from '../helpers/pump-pair.ts';
import { randomBytes } from '../helpers/random.ts';

const SETTINGS = { txLevelDbm0: -10, carrierDetectMs: 600, carrierLossMs: 1400 };

interface CallResult {
  caller: AutomodeCaller;
  answerer: DataPump;
  callerGot: number[];
  answererGot: number[];
  sent: Uint8Array;
  connectS: number;
}

/** A calling automode modem and `answerer` joined through a band-limited 30 dB line; 300 bytes each way once connected. */
function automodeCall(answerer: DataPump, opts: AutomodeCallerOptions = {}, seconds = 40, seed = 3): CallResult {
  const caller = new AutomodeCaller({ ...SETTINGS, ...opts });
  const pair = new PumpPair(caller, answerer, lineModel({ bandLimit: true, snrDb: 30, seed }), lineModel({ bandLimit: true, snrDb: 30, seed: seed + 1 }));
  const sent = randomBytes(300, 9);
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
    for (let b = caller.rx.shift(); b >= 0; b = caller.rx.shift()) callerGot.push(b);
    for (let b = answerer.rx.shift(); b >= 0; b = answerer.rx.shift()) answererGot.push(b);
    if (queuedAt >= 0 && f > queuedAt && callerGot.length >= sent.length && answererGot.length >= sent.length) break;
  }
  return { caller, answerer, callerGot, answererGot, sent, connectS };
}

const answerer = (m: Modulation, standard?: AnswerStandard): DataPump => createDataPump(m, 'answerer', { ...SETTINGS, standard });

// Each answerer the simulated exchange has (config/default.yaml), what the caller takes it for with ATB0 and ATB1, and
// the rate with each.
const CASES: [string, () => DataPump, [AutomodeIdentity, number], [AutomodeIdentity, number]][] = [
  ['V.22bis', () => answerer('v22bis'), ['v22bis', 2400], ['v22bis', 2400]],
  ['V.22', () => answerer('v22'), ['v22', 1200], ['v22', 1200]],
  ['Bell 212A', () => answerer('bell212a'), ['bell212a', 1200], ['bell212a', 1200]],
  ['V.21', () => answerer('v21'), ['v21', 300], ['v21', 300]],
  ['Bell 103', () => answerer('bell103'), ['bell103', 300], ['bell103', 300]],
  ['automode (ATB0)', () => answerer('auto', 'itu'), ['v22bis', 2400], ['v22bis', 2400]],
  // An ATB1 automode answerer offers the Bell tone first: an ATB1 caller takes it, as a Bell 212A caller would.
  ['automode (ATB1)', () => answerer('auto', 'bell'), ['v22bis', 2400], ['bell212a', 1200]],
];

for (const standard of ['itu', 'bell'] as const) {
  for (const [name, make, b0, b1] of CASES) {
    const [identity, rate] = standard === 'itu' ? b0 : b1;
    test(`automode caller (ATB${standard === 'itu' ? 0 : 1}): a ${name} answerer is identified, CONNECT ${rate}, data both ways intact`, (t) => {
      const r = automodeCall(make(), { standard });
      t.log(`${name}: identified ${r.caller.identified}, CONNECT ${r.caller.connectRate} at ${r.connectS.toFixed(2)} s`);
      t.is(r.caller.identified, identity);
      t.is(r.caller.state, 'connected');
      t.is(r.answerer.state, 'connected');
      t.is(r.caller.connectRate, rate);
      t.deepEqual(Uint8Array.from(r.callerGot), r.sent);
      if (standard === 'bell' && identity === 'bell103') {
        // ATB1 answers the 2225 Hz tone as Bell 212A at once: the Bell 103 answerer decodes that second of
        // scrambled ones as characters, as a real one would, before the fallback. The data that follow are intact.
        t.log(`${r.answererGot.length - r.sent.length} characters of the Bell 212A attempt before the data`);
        t.deepEqual(Uint8Array.from(r.answererGot.slice(-r.sent.length)), r.sent);
      } else t.deepEqual(Uint8Array.from(r.answererGot), r.sent);
    });
  }
}

test('automode caller, +MS max 1200: a V.22bis answerer is met at 1200 (V.22); max 300: at 300 only from FSK answerers', (t) => {
  const capped = automodeCall(answerer('v22bis'), { maxRate: 1200 });
  t.is(capped.caller.identified, 'v22');
  t.is(capped.caller.connectRate, 1200);
  t.deepEqual(Uint8Array.from(capped.callerGot), capped.sent);
  const fsk = automodeCall(answerer('v21'), { maxRate: 300 });
  t.is(fsk.caller.identified, 'v21');
  t.is(fsk.caller.connectRate, 300);
  const bell = automodeCall(answerer('bell103'), { maxRate: 300 });
  t.is(bell.caller.identified, 'bell103');
  t.deepEqual(Uint8Array.from(bell.answererGot), bell.sent);
});

test('automode caller, +MS min 1200: a V.21 answerer is not taken (no FSK fallback), the caller stays in its handshake', (t) => {
  const r = automodeCall(answerer('v21'), { minRate: 1200 }, 12);
  t.is(r.caller.identified, null);
  t.not(r.caller.state, 'connected');
  t.true(r.caller.heard.answerToneHeard && r.caller.heard.carrierHeard, 'answer tone and the V.21 carrier heard');
});

/** AnswererSignals' verdict on `frames` frames of a tone at `hz` (−10 dBm0), or of silence (hz 0). */
function classify(hz: number, frames = 10): AnswererSignals {
  const s = new AnswererSignals();
  const nco = new Nco(hz || 1000);
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < frames; f++) {
    if (hz) nco.generate(frame, FRAME_SAMPLES, 10300);
    s.process(frame);
  }
  return s;
}

test('answerer signals: the V.25 and Bell answer tones, V.22 unscrambled ones, the V.21 and V.23 marks, silence', (t) => {
  t.is(classify(2100).last, 'ans');
  t.true(classify(2100).answerToneHeard);
  t.is(classify(2225).last, 'bell');
  t.true(classify(2225).bellToneHeard);
  t.is(classify(2250).last, 'usb1');
  t.is(classify(1650).last, 'v21');
  t.is(classify(1850).last, 'v21');
  t.is(classify(1300).last, 'v23');
  t.true(classify(1300).v23Heard);
  t.is(classify(0).last, 'silence');
  t.false(classify(0).carrierHeard);
  t.is(classify(1000).last, 'other');
});

test("automode caller (ATB0): a Bell 103 answerer with no V.25 gap (its tone goes on as its mark, as spandsp's) is met at 300 after a 212A attempt", (t) => {
  const gapless = new FskDataPump(FSK_MODES.bell103, 'answerer', { ...DEFAULT_TIMINGS, answerToneMs: 2000, answerSilenceMs: 0 });
  const r = automodeCall(gapless);
  t.log(
    `identified ${r.caller.identified}, CONNECT ${r.caller.connectRate} at ${r.connectS.toFixed(2)} s; ${r.answererGot.length - r.sent.length} characters of the 212A attempt at the answerer`,
  );
  t.is(r.caller.identified, 'bell103');
  t.is(r.caller.connectRate, 300);
  t.deepEqual(Uint8Array.from(r.callerGot), r.sent);
  t.deepEqual(Uint8Array.from(r.answererGot.slice(-r.sent.length)), r.sent);
});
