import test from 'ava';
import { FskDataPump } from '../../../dsp/fsk/fsk-pump.ts';
import { FSK_MODES } from '../../../dsp/fsk/specs.ts';
import type { FskModulation } from '../../../dsp/fsk/specs.ts';
import { FRAME_SAMPLES } from '../../../dsp/q15.ts';
import { addNoise, gaussian, randomBytes } from '../../helpers/random.ts';

function call(modulation: FskModulation, seconds: number, payloadCaller: Uint8Array, payloadAnswerer: Uint8Array, noiseDbm0 = -40) {
  const caller = new FskDataPump(FSK_MODES[modulation], 'caller');
  const answerer = new FskDataPump(FSK_MODES[modulation], 'answerer');
  const a2c = new Int16Array(FRAME_SAMPLES);
  const c2a = new Int16Array(FRAME_SAMPLES);
  const gotByCaller: number[] = [];
  const gotByAnswerer: number[] = [];
  let sentC = 0;
  let sentA = 0;
  let connectedAt = -1;
  const g = gaussian(3);
  const states: string[] = [];
  for (let f = 0; f < seconds * 50; f++) {
    const fromCaller = c2a.slice();
    const fromAnswerer = a2c.slice();
    addNoise(fromCaller, FRAME_SAMPLES, noiseDbm0, g);
    addNoise(fromAnswerer, FRAME_SAMPLES, noiseDbm0, g);
    caller.process(fromAnswerer, c2a);
    answerer.process(fromCaller, a2c);
    if (!states.includes(caller.state)) states.push(caller.state);
    if (caller.state === 'connected' && answerer.state === 'connected') {
      if (connectedAt < 0) connectedAt = f;
      sentC += caller.tx.queue.write(payloadCaller, sentC);
      // Half duplex: the answerer speaks once it has heard the caller out.
      if (!FSK_MODES[modulation].halfDuplex || gotByAnswerer.length === payloadCaller.length) sentA += answerer.tx.queue.write(payloadAnswerer, sentA);
    }
    gotByCaller.push(...caller.rx.take());
    gotByAnswerer.push(...answerer.rx.take());
  }
  return { caller, answerer, gotByCaller, gotByAnswerer, connectedAt, states };
}

for (const modulation of ['v21', 'bell103', 'v23', 'bell202'] as const) {
  const snr = 30;
  test(`${modulation}: answer tone, carriers, connect, and data both ways at ${snr} dB`, (t) => {
    const slow = modulation === 'v23' ? 16 : 200;
    const pc = randomBytes(slow, 1);
    const pa = randomBytes(200, 2);
    const r = call(modulation, 30, pc, pa, -10 - snr);
    t.is(r.caller.state, 'connected');
    t.is(r.answerer.state, 'connected');
    t.true(r.connectedAt * 0.02 > 3.3, 'caller waited for the answer tone');
    t.deepEqual(r.states.slice(0, 2), ['await-answer-tone', 'await-carrier']);
    t.deepEqual(Uint8Array.from(r.gotByAnswerer), pc, `answerer got ${r.gotByAnswerer.length} of ${pc.length}`);
    t.deepEqual(Uint8Array.from(r.gotByCaller), pa, `caller got ${r.gotByCaller.length} of ${pa.length}`);
  });
}

test('caller reports carrier lost when the answerer goes silent', (t) => {
  const caller = new FskDataPump(FSK_MODES.v21, 'caller');
  const answerer = new FskDataPump(FSK_MODES.v21, 'answerer');
  const a = new Int16Array(FRAME_SAMPLES);
  const c = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < 400; f++) {
    const silent = f > 300;
    caller.process(silent ? new Int16Array(FRAME_SAMPLES) : a.slice(), c);
    answerer.process(c.slice(), a);
  }
  t.is(answerer.state, 'connected');
  t.is(caller.state, 'carrier-lost');
});
