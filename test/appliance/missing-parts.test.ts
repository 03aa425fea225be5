/**
 * A missing part never crashes (issue 18): for each dependency a backend has — the system D-Bus, oFono, the UART,
 * the MQTT broker — `dialtone doctor` names it as a failing check, and a daemon (a separate process) started
 * without it runs on, logs the condition, answers ATD with NO DIALTONE where the line needs it, finds the part when
 * it comes, and when the part disappears in the middle of a call ends the call (NO CARRIER) and looks again.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { stringify } from 'yaml';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { makeAlsaRig } from '../hal/audio/alsa-rig.ts';
import { socatPair } from '../hal/serial-peers.ts';
import { FakeOfono, PrivateBus } from '../hal/line/fake-ofono.ts';
import { MAIN_TS, openTerminal, REPO_ROOT, startDaemon } from '../helpers/daemon.ts';
import type { Daemon } from '../helpers/daemon.ts';
import { freePort, mosquitto, until } from './helpers.ts';

function scratch(t: ExecutionContext, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dialtone-${name}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * `dialtone doctor` on a configuration: exit status and output. Asynchronous: a stand-in (oFono) living in this
 * process must go on answering while the doctor asks it.
 */
function doctor(dir: string, config: Record<string, unknown>, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const file = join(dir, 'doctor.yaml');
  writeFileSync(file, stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN_TS, 'doctor', '--config', file], {
    cwd: REPO_ROOT,
    env: { ...process.env, STATE_DIRECTORY: join(dir, 'doctor-state'), ...env },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

function stillAlive(t: ExecutionContext, d: Daemon, when: string): void {
  t.true(d.alive(), `the daemon is alive ${when}`);
  t.notRegex(d.log(), /Unhandled 'error' event|\n\s+at [\w.<>]+ \(|uncaught/i, `no crash in the log ${when}`);
}

const BT = (dbusAddress: string) => ({
  line: { backend: 'bluetooth', audio: { backend: 'simulated' }, bluetooth: { phone: '00:11:22:33:44:55', dbusAddress } },
});

test.serial('system D-Bus: missing at start, then there, then gone mid-call, then back', async (t) => {
  const dir = scratch(t, 'dbus');
  const address = `unix:path=${join(dir, 'bus')}`;
  const doc = await doctor(dir, BT(address));
  t.is(doc.code, 1);
  t.regex(doc.out, new RegExp(`\\[FAIL\\] bluetooth: no D-Bus: cannot reach D-Bus at ${address.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: connect ENOENT`));
  t.notRegex(doc.out, /Unhandled|\n\s+at /);

  // The paced clock: a call is held for as long as the test needs, not run through its timers at CPU speed.
  const d = await startDaemon({ clock: 'realtime', config: BT(address) });
  t.teardown(d.stop);
  await d.waitForLog('bluetooth: no phone yet (cannot reach D-Bus at', 10_000);
  await d.term.write('ATDT5551234\r');
  await d.term.waitFor('NO DIALTONE\r\n', 10_000);
  stillAlive(t, d, 'without a D-Bus');

  let bus = await PrivateBus.start(dir);
  let phone = await FakeOfono.start(bus.address);
  t.teardown(async () => {
    phone.stop();
    await bus.stop();
  });
  await d.waitForLog('bluetooth: using', 15_000);
  await d.term.write('ATDT5551234\r');
  await until(
    () => phone.log.includes('dial 5551234 default'),
    10_000,
    () => `Dial on D-Bus: ${d.log()}`,
  );
  await until(
    () => [...phone.calls.values()].some((c) => c.state === 'alerting'),
    10_000,
    () => 'alerting',
  );
  phone.remoteAnswer();
  await d.waitForLog('bluetooth: call /', 5000);
  await new Promise((r) => setTimeout(r, 500)); // off hook, answered: mid-call
  await bus.stop(); // dbus-daemon gone, oFono's connection with it
  await d.term.waitFor('NO CARRIER\r\n', 10_000);
  await d.waitForLog('bluetooth: link lost: D-Bus at', 5000);
  await d.term.write('ATDT5551234\r');
  await d.term.waitFor('NO DIALTONE\r\n', 10_000);
  stillAlive(t, d, 'after the bus went away');

  phone.stop();
  bus = await PrivateBus.start(dir);
  phone = await FakeOfono.start(bus.address);
  await until(
    () => d.log().split('(found again)').length > 2,
    15_000,
    () => `found on the new bus: ${d.log()}`,
  );
  await d.term.write('ATDT5551234\r');
  await until(
    () => phone.log.includes('dial 5551234 default'),
    10_000,
    () => `Dial on the new bus: ${d.log()}`,
  );
  stillAlive(t, d, 'with the bus back');
});

test.serial('oFono: not on the bus at start, then there, then stopped mid-call', async (t) => {
  const dir = scratch(t, 'ofono');
  const bus = await PrivateBus.start(dir);
  t.teardown(() => bus.stop());
  const doc = await doctor(dir, BT(bus.address));
  t.is(doc.code, 1);
  t.regex(doc.out, /\[FAIL\] bluetooth: oFono is not running/);

  const d = await startDaemon({ clock: 'realtime', config: BT(bus.address) });
  t.teardown(d.stop);
  await d.waitForLog('bluetooth: no phone yet (', 10_000);
  await d.term.write('ATDT5551234\r');
  await d.term.waitFor('NO DIALTONE\r\n', 10_000);
  stillAlive(t, d, 'without oFono');

  const phone = await FakeOfono.start(bus.address);
  t.teardown(() => phone.stop());
  await d.waitForLog('bluetooth: using', 15_000);
  await d.term.write('ATDT5551234\r');
  await until(
    () => [...phone.calls.values()].some((c) => c.state === 'alerting'),
    10_000,
    () => `alerting: ${d.log()}`,
  );
  phone.remoteAnswer();
  await d.waitForLog('active', 5000);
  await new Promise((r) => setTimeout(r, 500));
  phone.stop(); // oFono exits: its name leaves the bus, no CallRemoved or ModemRemoved is sent
  await d.term.waitFor('NO CARRIER\r\n', 10_000);
  await d.waitForLog('bluetooth: link lost: oFono left the bus', 5000);
  await d.term.write('ATDT5551234\r');
  await d.term.waitFor('NO DIALTONE\r\n', 10_000);
  stillAlive(t, d, 'after oFono stopped');
});

test.serial('UART: missing at start (a named configuration error, systemd retries), then there, then gone mid-call (socat killed), then back', async (t) => {
  // Under /dev (serial.device must be a device path) yet writable by anyone: /dev/shm.
  const dir = mkdtempSync('/dev/shm/dialtone-uart-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const device = join(dir, 'modem');
  const serial = { serial: { backend: 'serialport', device, rtscts: false } };
  const doc = await doctor(dir, serial);
  t.is(doc.code, 1);
  t.regex(doc.out, new RegExp(`\\[FAIL\\] configuration:\\n.*serial\\.device: found "${device}" \\(no such file\\), expected an existing serial device`));
  const early = await startDaemon({ config: serial, terminalPath: null }).then(
    () => null,
    (err: Error) => err.message,
  );
  t.regex(early ?? 'it started', /daemon exited \(1\) before it was ready/);
  t.regex(early ?? '', /serial\.device: found ".*" \(no such file\), expected an existing serial device/);
  t.notRegex(early ?? '', /\n\s+at [\w.<>]+ \(/, 'no stack trace');

  let pair = await socatPair(dir);
  t.teardown(() => pair.stop());
  const d = await startDaemon({ config: serial, terminalPath: null });
  t.teardown(d.stop);
  let term = await openTerminal(pair.b);
  t.teardown(() => term.close());
  await term.write('AT\r');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATDT5551000\r');
  await term.waitFor(/CONNECT 300\r\n/, 60_000);
  await term.waitFor(ECHO_BANNER, 30_000);
  await pair.stop(); // both pseudo-terminals vanish with socat
  await d.waitForLog(`dte: ${device} went away`, 10_000);
  await d.waitForLog('modem: DTR off (&D2)', 10_000);
  await until(
    () => /modem: online → command/.test(d.log().split('went away')[1] ?? ''),
    10_000,
    () => `the call ends: ${d.log()}`,
  );
  stillAlive(t, d, 'after its UART went away');

  await term.close();
  pair = await socatPair(dir);
  await d.waitForLog(`dte: ${device} is back`, 10_000);
  term = await openTerminal(pair.b);
  await term.write('AT\r');
  await term.waitFor('OK\r\n', 10_000);
  stillAlive(t, d, 'with the UART back');
});

test.serial('MQTT broker: unreachable at start, then there, then gone mid-call: the call goes on', async (t) => {
  const dir = scratch(t, 'mqtt');
  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const cfg = { mqtt: { enabled: true, url, lineIntervalMs: 200 } };
  const doc = await doctor(dir, cfg);
  t.is(doc.code, 1);
  t.regex(doc.out, new RegExp(`\\[FAIL\\] mqtt: cannot reach the broker at ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));

  const d = await startDaemon({ config: cfg });
  t.teardown(d.stop);
  await d.waitForLog('telemetry: ', 10_000);
  await d.term.write('AT\r');
  await d.term.waitFor('OK\r\n', 10_000);
  stillAlive(t, d, 'without a broker');

  const broker = await mosquitto(port);
  t.teardown(() => broker.stop());
  t.is((await doctor(dir, cfg)).out.match(/\[FAIL\] mqtt/), null, 'doctor is content once the broker runs');
  await d.waitForLog('telemetry: online', 15_000);
  await d.term.write('ATDT5551000\r');
  await d.term.waitFor(/CONNECT 300\r\n/, 60_000);
  await d.term.waitFor(ECHO_BANNER, 30_000);
  await broker.stop();
  await d.waitForLog('telemetry: offline', 10_000);
  await d.term.write('still here');
  await d.term.waitFor('still here', 30_000);
  stillAlive(t, d, 'with the broker gone mid-call');
});

test.serial('ALSA device (sound card line): missing at start, then gone mid-call', async (t) => {
  const rig = makeAlsaRig();
  t.teardown(rig.cleanup);
  const card = (capture: string, playback: string) => ({
    gpio: { backend: 'fake' },
    line: { backend: 'soundcard', audio: { capture, playback, rate: 8000 }, soundcard: { blindDial: true } },
  });
  const env = { ALSA_CONFIG_PATH: rig.env.ALSA_CONFIG_PATH! };
  const doc = await doctor(rig.dir, card('nocard', 'nocard'), env);
  t.is(doc.code, 1);
  t.regex(doc.out, /\[FAIL\] audio: nocard does not record at 8000 Hz/);

  const missing = await startDaemon({ clock: 'realtime', config: card('nocard', 'nocard'), env });
  t.teardown(missing.stop);
  await missing.term.write('ATDT5551000\r');
  await missing.term.waitFor('NO DIALTONE\r\n', 20_000);
  stillAlive(t, missing, 'without its sound card');
  await missing.stop();

  // The card's capture is a FIFO the test feeds (silence); closing it is the card going away.
  const d = await startDaemon({ clock: 'realtime', config: card('capA', 'playA'), env });
  t.teardown(d.stop);
  const drain = spawn('sh', ['-c', `cat ${join(rig.dir, 'a.fifo')} > /dev/null`]);
  t.teardown(() => drain.kill());
  // At the card's pace (the file plugin reads as fast as it is fed): 20 ms of silence every 20 ms.
  const fifo = createWriteStream(join(rig.dir, 'b.fifo'));
  fifo.on('error', () => {});
  const pace = setInterval(() => fifo.write(Buffer.alloc(320)), 20);
  t.teardown(() => {
    clearInterval(pace);
    fifo.destroy();
  });
  await d.term.write('ATDT5551000\r');
  await d.waitForLog('modem: command → dialing', 10_000);
  await new Promise((r) => setTimeout(r, 1500)); // off hook, dialling blind: mid-call
  clearInterval(pace);
  fifo.end(); // the FIFO's writer gone: arecord reads end of file, again after each restart
  const cut = Date.now();
  await d.term.waitFor(/NO CARRIER\r\n|NO DIALTONE\r\n/, 30_000);
  // Not the dial timeout (S7, 50 s of paced line time): the card going away ended the call.
  t.true(Date.now() - cut < 10_000, `the call ended ${Date.now() - cut} ms after the card went away`);
  t.regex(d.log(), /soundcard: on hook/);
  stillAlive(t, d, 'after the sound card went away');
  await d.term.write('AT\r');
  await d.term.waitFor('OK\r\n', 10_000);
});

test.serial('GPIO chip (the sound card line’s hook relay): missing at start: named by doctor, NO DIALTONE from the daemon', async (t) => {
  const dir = scratch(t, 'gpio');
  const cfg = { gpio: { backend: 'chardev', chip: '/dev/gpiochip99' }, line: { backend: 'soundcard', audio: { backend: 'simulated' } } };
  const doc = await doctor(dir, cfg);
  t.is(doc.code, 1);
  t.regex(doc.out, /\[FAIL\] gpio: \/dev\/gpiochip99 does not exist/);
  const d = await startDaemon({ config: cfg });
  t.teardown(d.stop);
  await d.waitForLog('line: sound card line (GPIO hook relay and ring detector) not available (', 10_000);
  await d.term.write('ATDT5551000\r');
  await d.term.waitFor('NO DIALTONE\r\n', 10_000);
  stillAlive(t, d, 'without its GPIO chip');
});

test.serial('BlueALSA (the call’s SCO audio): missing when the call is answered: NO CARRIER, the phone hung up, the daemon alive', async (t) => {
  const dir = scratch(t, 'bluealsa');
  const rig = makeAlsaRig();
  t.teardown(rig.cleanup);
  const env = { ALSA_CONFIG_PATH: rig.env.ALSA_CONFIG_PATH! };
  const bus = await PrivateBus.start(dir);
  const phone = await FakeOfono.start(bus.address);
  t.teardown(async () => {
    phone.stop();
    await bus.stop();
  });
  const bt = (audio: Record<string, unknown>) => ({
    line: { backend: 'bluetooth', audio: { rate: 8000, ...audio }, bluetooth: { phone: '00:11:22:33:44:55', dbusAddress: bus.address } },
  });
  const doc = await doctor(dir, bt({}), env);
  t.is(doc.code, 1);
  t.regex(doc.out, /\[FAIL\] bluetooth: BlueALSA is not running/);

  const answerCall = async (d: Daemon): Promise<void> => {
    await d.waitForLog('bluetooth: using', 15_000);
    await d.term.write('ATDT5551234\r');
    await until(
      () => [...phone.calls.values()].some((c) => c.state === 'alerting'),
      10_000,
      () => `alerting: ${d.log()}`,
    );
    phone.remoteAnswer();
  };
  // No BlueALSA: its PCM (bluealsa:DEV=...,PROFILE=sco) does not exist, so the audio cannot start when the call is answered.
  const d1 = await startDaemon({ clock: 'realtime', config: bt({}), env });
  t.teardown(d1.stop);
  await answerCall(d1);
  // The audio device tries its capture program again a few times before it gives up: allow for a loaded machine.
  await d1.term.waitFor('NO CARRIER\r\n', 60_000);
  await until(
    () => phone.calls.size === 0,
    20_000,
    () => `the call hung up on the phone too: ${d1.log()}`,
  );
  stillAlive(t, d1, 'without BlueALSA');
});
