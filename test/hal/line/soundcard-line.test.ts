import test from 'ava';
import type { ExecutionContext } from 'ava';
import { SimulatedAudioDevice } from '../../../hal/audio/simulated-audio.ts';
import { ECHO_BANNER } from '../../../hal/line/builtin-modem-party.ts';
import { SoundCardLine } from '../../../hal/line/soundcard-line.ts';
import { createDataPump } from '../../../dsp/pump-factory.ts';
import { FakeExchange, FakeGpioChip } from './fake-exchange.ts';
import { modemOnPty } from './modem-on-pty.ts';

const HOOK = 5;
const RING = 6;

/** The modem on a real pseudo-terminal (modem-on-pty.ts); its line a SoundCardLine on a fake GPIO chip and the audio twin, the exchange fake. */
async function cardRig(t: ExecutionContext) {
  const log: string[] = [];
  const gpio = new FakeGpioChip();
  const audio = new SimulatedAudioDevice({ name: 'usb card (twin)' });
  const line = new SoundCardLine({ audio, hook: gpio.output(HOOK), ring: gpio.input(RING), log: (l) => log.push(l), dialToneWaitMs: 3000 });
  const exchange = new FakeExchange(audio, () => gpio.outputs.get(HOOK) === true);
  const { modem, term } = await modemOnPty(t, { line, audio, log });
  return { gpio, audio, line, exchange, modem, term, log };
}

test.serial('off hook, dial tone, DTMF digits decoded by the exchange, ringback, answer tone: CONNECT 300, data echoed; ATH on hook', async (t) => {
  const r = await cardRig(t);
  await r.term.write('ATDT555-1000\r');
  await r.term.waitFor(/CONNECT 300\r\n/, 60000);
  t.is(r.exchange.digits, '5551000');
  t.true(r.gpio.outputs.get(HOOK));
  t.true(r.log.includes('soundcard: ringback'));
  await r.term.waitFor(ECHO_BANNER, 30000);
  await r.term.write('through the sound card');
  await r.term.waitFor('through the sound card', 30000);
  await new Promise((res) => setTimeout(res, 1100));
  await r.term.write('+++');
  await r.term.waitFor('OK\r\n', 5000);
  await r.term.write('ATH\r');
  await r.term.waitFor('OK\r\n');
  t.false(r.gpio.outputs.get(HOOK));
  t.false(r.audio.running);
});

test.serial('busy tone: BUSY (X4), and the line goes back on hook', async (t) => {
  const r = await cardRig(t);
  await r.term.write('ATX4DT5552000\r');
  await r.term.waitFor('BUSY\r\n', 60000);
  t.is(r.exchange.digits, '5552000');
  t.false(r.gpio.outputs.get(HOOK));
});

test.serial('no dial tone: NO DIALTONE (X4) without dialling', async (t) => {
  const r = await cardRig(t);
  r.exchange.dialTone = false;
  await r.term.write('ATX4DT5551000\r');
  await r.term.waitFor('NO DIALTONE\r\n', 60000);
  t.is(r.exchange.digits, '');
  t.false(r.gpio.outputs.get(HOOK));
});

test.serial('ringback that never ends: NO ANSWER with the @ modifier after S7', async (t) => {
  const r = await cardRig(t);
  await r.term.write('ATX4S7=12DT5553000@\r');
  await r.term.waitFor('NO ANSWER\r\n', 60000);
  t.true(r.log.includes('soundcard: ringback'));
});

test.serial('ring detector input: RING on the DTE, ATA goes off hook and the calling modem connects', async (t) => {
  const r = await cardRig(t);
  const caller = createDataPump('v21', 'caller', { txLevelDbm0: -10, carrierDetectMs: 600, carrierLossMs: 1400 });
  let greeted = false;
  r.exchange.caller = (heard, said) => {
    caller.process(heard, said);
    if (caller.state === 'connected' && !greeted) {
      greeted = true;
      caller.tx.queue.write(Buffer.from('hello from the line'));
    }
  };
  r.gpio.set(RING, true);
  await r.term.waitFor('RING\r\n', 10000);
  r.gpio.set(RING, false);
  await r.term.write('ATA\r');
  await r.term.waitFor(/CONNECT 300\r\n/, 60000);
  t.true(r.gpio.outputs.get(HOOK));
  await r.term.waitFor('hello from the line', 30000);
});
