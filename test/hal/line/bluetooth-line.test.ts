import test from 'ava';
import type { ExecutionContext } from 'ava';
import { SimulatedAudioDevice } from '../../../hal/audio/simulated-audio.ts';
import { BluetoothPhoneLine } from '../../../hal/line/bluetooth-line.ts';
import { ECHO_BANNER, EchoModemParty } from '../../../hal/line/builtin-modem-party.ts';
import { OfonoClient } from '../../../hal/line/ofono.ts';
import { createDataPump } from '../../../dsp/pump-factory.ts';
import { until } from '../../app/rig.ts';
import { FakeOfono, PrivateBus } from './fake-ofono.ts';
import { modemOnPty } from './modem-on-pty.ts';

/**
 * The modem on a real pseudo-terminal (modem-on-pty.ts), its line a BluetoothPhoneLine talking D-Bus through a
 * private dbus-daemon to the oFono stand-in; the SCO audio is the audio twin, whose far end is a modem.
 */
async function btRig(t: ExecutionContext) {
  const bus = await PrivateBus.start();
  const phone = await FakeOfono.start(bus.address);
  const log: string[] = [];
  const audio = new SimulatedAudioDevice({ name: 'bluealsa (twin)' });
  const line = new BluetoothPhoneLine({
    ofono: new OfonoClient(bus.address),
    audio,
    phone: '00:11:22:33:44:55',
    log: (l) => log.push(l),
    retryMs: 200,
  });
  t.true(await line.open());
  const { modem, port, term } = await modemOnPty(t, {
    line,
    audio,
    log,
    after: async () => {
      await new Promise((res) => setTimeout(res, 100)); // the last Hangup reaches the stand-in before it goes
      phone.stop();
      await bus.stop();
    },
  });
  return { phone, line, audio, modem, port, term, log };
}

/** The far end of the SCO audio: an answering V.21 modem with an echo host. */
function echoFarEnd(audio: SimulatedAudioDevice): void {
  const party = new EchoModemParty('v21', 1000);
  audio.connect((heard, said) => void party.frame(heard, said));
}

async function dialAndConnect(r: Awaited<ReturnType<typeof btRig>>): Promise<void> {
  echoFarEnd(r.audio);
  await r.term.write('ATDT5551234\r');
  await until(() => r.phone.log.includes('dial 5551234 default'), 10000, 'Dial on D-Bus');
  await until(() => [...r.phone.calls.values()].some((c) => c.state === 'alerting'), 10000, 'alerting');
  r.phone.remoteAnswer();
  await r.term.waitFor(/CONNECT 300\r\n/, 30000);
  await r.term.waitFor(ECHO_BANNER, 30000);
}

test.serial('ATD dials through oFono, the far end answers, CONNECT 300, data echoed; NREC off; the far end hangs up: NO CARRIER', async (t) => {
  const r = await btRig(t);
  t.is(r.phone.handsfree.EchoCancelingNoiseReduction, false);
  await dialAndConnect(r);
  t.true(r.audio.running, 'SCO audio runs while the call is active');
  await r.term.write('hello over bluetooth');
  await r.term.waitFor('hello over bluetooth', 30000);
  r.phone.remoteHangup();
  await r.term.waitFor('NO CARRIER\r\n', 10000);
  t.is(r.modem.state, 'command');
  await until(() => !r.audio.running, 5000, 'audio stopped');
});

test.serial('ATH hangs the call up through oFono', async (t) => {
  const r = await btRig(t);
  await dialAndConnect(r);
  await new Promise((res) => setTimeout(res, 1100));
  await r.term.write('+++');
  await r.term.waitFor('OK\r\n', 5000);
  await r.term.write('ATH\r');
  await r.term.waitFor('OK\r\n');
  await until(() => r.phone.log.some((l) => l.startsWith('hangup ')), 5000, 'Hangup on D-Bus');
  t.is(r.phone.calls.size, 0);
});

test.serial('an incoming call rings with the caller ID (AT+VCID=1); ATA answers through oFono and the calling modem connects', async (t) => {
  const r = await btRig(t);
  await r.term.write('AT+VCID=1\r');
  await r.term.waitFor('OK\r\n');
  const caller = createDataPump('v21', 'caller', { txLevelDbm0: -10, carrierDetectMs: 600, carrierLossMs: 1400 });
  let greeted = false;
  r.audio.connect((heard, said) => {
    caller.process(heard, said);
    if (caller.state === 'connected' && !greeted) {
      greeted = true;
      caller.tx.queue.write(Buffer.from('caller says hi'));
    }
  });
  r.phone.incoming('5559876');
  const ring = await r.term.waitFor(/NMBR = \d+\r\n/, 10000);
  t.regex(ring, /RING\r\n\r\nDATE = \d{4}\r\nTIME = \d{4}\r\nNMBR = 5559876\r\n$/);
  await r.term.write('ATA\r');
  await until(() => r.phone.log.some((l) => l.startsWith('answer ')), 5000, 'Answer on D-Bus');
  await r.term.waitFor(/CONNECT 300\r\n/, 30000);
  await r.term.waitFor('caller says hi', 30000);
});

test.serial('an incoming call the far end gives up on stops ringing', async (t) => {
  const r = await btRig(t);
  const call = r.phone.incoming('5550000');
  await r.term.waitFor('RING\r\n', 10000);
  r.phone.end(call.path, 'remote');
  await new Promise((res) => setTimeout(res, 300));
  await r.term.write('ATA\r');
  await r.term.waitFor('NO CARRIER\r\n', 5000);
});

test.serial('link loss mid-call: NO CARRIER, DCD drops, the daemon keeps running; dialling without the phone: NO DIALTONE; the phone comes back', async (t) => {
  const r = await btRig(t);
  await dialAndConnect(r);
  t.true(r.port.lines.get('DCD'));
  r.phone.linkLoss();
  await r.term.waitFor('NO CARRIER\r\n', 10000);
  t.false(r.port.lines.get('DCD'));
  t.false(r.audio.running);
  await r.term.write('AT\r');
  await r.term.waitFor('OK\r\n');
  await r.term.write('ATX4DT5551234\r');
  await r.term.waitFor('NO DIALTONE\r\n', 10000);
  t.true(r.log.some((l) => /link lost/.test(l)));
  // The phone reconnects: oFono offers its modem again and calls work.
  r.phone.present = true;
  await until(() => r.line.modem !== null, 5000, 'reattached');
  await dialAndConnect(r);
  t.pass();
});

test.serial('a number the phone refuses is NO CARRIER, not a crash', async (t) => {
  const r = await btRig(t);
  r.phone.dialBehaviour = 'org.ofono.Error.InvalidFormat';
  await r.term.write('ATDT5551234\r');
  await r.term.waitFor('NO CARRIER\r\n', 10000);
  t.true(r.log.some((l) => /dial 5551234: bad number/.test(l)));
});
