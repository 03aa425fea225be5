/**
 * The modem on its real DTE backends: the UART backend (serialport) on a socat pseudo-terminal pair with its
 * control lines and LEDs on the fake GPIO chip, and the TCP backend with a raw TCP client. Both built by the same
 * factory the daemon uses (hal/factory.ts).
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyParity } from '../../firmware-app/at/command-line.ts';
import { loadConfig } from '../../firmware-app/config.ts';
import { FrameClock } from '../../firmware-app/frame-clock.ts';
import { Modem } from '../../firmware-app/modem.ts';
import { openHardware } from '../../hal/factory.ts';
import type { HardwareConfig } from '../../hal/factory.ts';
import type { FakeGpioChip } from '../../hal/gpio/fake-chip.ts';
import type { GpioLedPanel } from '../../hal/leds/gpio-panel.ts';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { SimulatedExchange } from '../../hal/line/simulated-exchange.ts';
import { TcpDtePort } from '../../hal/serial/tcp-port.ts';
import { openTerminal } from '../helpers/daemon.ts';
import { mulberry32 } from '../helpers/random.ts';
import { socatPair, tcpTerminal } from '../hal/serial-peers.ts';
import { until } from './rig.ts';

const PINS = { DCD: 22, DSR: 23, RI: 24, CTS: 27, DTR: 25, RTS: 4 };
const LEDS = { HS: 5, AA: 6, CD: 13, OH: 19, RD: 26, SD: 20, TR: 21, MR: 12 };

async function modemOn(t: ExecutionContext, serial: HardwareConfig['serial'], withGpio: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-hw-'));
  const cfg = loadConfig();
  const log: string[] = [];
  const hw = await openHardware({
    serial,
    gpio: { backend: 'fake' },
    leds: withGpio ? { backend: 'gpio', pins: LEDS, blinkMs: 50 } : { backend: 'none' },
    controlLines: withGpio ? { backend: 'gpio', pins: PINS, activeLow: true, debounceMs: 5 } : { backend: 'simulated' },
  });
  const exchange = new SimulatedExchange({ ...cfg.exchange, answerToneMs: cfg.modem.answerToneMs, log: (l) => log.push(l) });
  const clock = new FrameClock('fast');
  const modem = new Modem({ port: hw.port, line: exchange, leds: hw.leds, clock, log: (l) => log.push(l), stateDir: join(dir, 'state') });
  t.teardown(() => {
    if (process.env.RIG_LOG) console.error(log.join('\n'));
    modem.close();
    hw.close();
  });
  return { hw, modem, log, chip: withGpio ? ((await hw.gpio()) as FakeGpioChip) : null };
}

test.serial('UART backend on a socat pty pair: +IPR speed changes, +ICF framing, a flooded call with CTS and DCD on GPIO, DTR drop hangs up', async (t) => {
  t.timeout(180_000);
  const pair = await socatPair();
  t.teardown(() => pair.stop());
  const { modem, chip, hw } = await modemOn(t, { backend: 'serialport', link: 'unused', device: pair.a, baudRate: 19200, rtscts: false }, true);
  const fake = chip!;
  const term = await openTerminal(pair.b);
  t.teardown(() => term.close());
  fake.drive(PINS.DTR, false); // the DTE raises DTR (0 V at the Pi behind the inverting transceiver)
  fake.drive(PINS.RTS, false);
  await term.write('AT\r');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('AT+IPR?\r');
  t.regex(await term.waitFor(/\+IPR: \d+/, 5000), /\+IPR: 19200/);
  await term.write('AT+IPR=0\r');
  await term.waitFor('ERROR\r\n', 5000);
  await term.write('AT+IPR=2400\r');
  await term.waitFor('OK\r\n', 5000);
  await until(() => hw.port.speed === 2400, 5000, 'the speed change');
  t.regex(execFileSync('stty', ['-F', pair.a], { encoding: 'utf8' }), /speed 2400 baud/);
  await term.write('AT+ICF=5,1\r');
  await term.waitFor('OK\r\n', 5000);
  await term.write('AT+ICF?\r');
  // +ICF fixed 7E1: from the next "AT" on the modem answers with even parity, whatever the DTE sent.
  t.truthy(await term.waitFor(applyParity('+ICF: 5,1\r\n\r\nOK\r\n', '7E1'), 5000));
  await term.write('AT+ICF=0\r');
  await term.waitFor(applyParity('OK\r\n', '7E1'), 5000);
  await term.write('ATE0&K3&D2DT5551000\r');
  await term.waitFor(/CONNECT 300\r\n/, 60_000);
  await term.waitFor(ECHO_BANNER, 60_000);
  t.false(fake.level(PINS.DCD), 'DCD on: 0 V at the Pi');
  const r = mulberry32(4);
  const data = Buffer.alloc(24 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = 32 + Math.floor(r() * 95);
  term.cursor = term.buffer.length;
  const panel = hw.leds as GpioLedPanel;
  const writes0 = panel.writes;
  const t0 = performance.now();
  await term.write(data);
  const echoed = await term.take(data.length, 120_000);
  const wallMs = performance.now() - t0;
  t.true(echoed.equals(data), 'every byte back, in order');
  t.is(modem.flow.lostUp, 0);
  t.true(
    fake.writesTo(PINS.CTS).some((w) => w.level),
    'CTS went off (high at the Pi) while the modem buffer was full',
  );
  t.false(fake.level(PINS.CTS), 'and is on again');
  const ledWrites = panel.writes - writes0;
  t.log(`${data.length} B in ${(wallMs / 1000).toFixed(1)} s; LED pin writes ${ledWrites} (${modem.stats.bytesToLine} bytes to the line)`);
  t.true(ledWrites <= 4 * Math.ceil(wallMs / 50) + 8, 'RD/SD blink at most once per 50 ms each, not once per byte');
  t.true(fake.writesTo(LEDS.RD).length > 2 && fake.writesTo(LEDS.SD).length > 2, 'RD and SD blinked');
  fake.drive(PINS.DTR, true); // DTR off
  await until(() => modem.state === 'command', 10_000, 'hang-up on DTR drop (&D2)');
  await until(() => fake.level(PINS.DCD), 5000, 'DCD off');
  t.pass();
});

test.serial('TCP backend with a raw TCP client: AT, a call, a second client refused, closing the socket hangs up', async (t) => {
  t.timeout(120_000);
  const { modem, hw } = await modemOn(t, { backend: 'tcp', link: 'unused', tcp: { host: '127.0.0.1', port: 0 } }, false);
  const port = (hw.port as TcpDtePort).port;
  const pc = await tcpTerminal(port);
  await pc.write('AT\r');
  await pc.waitFor('OK\r\n', 10_000);
  await pc.write('AT+IPR?\r');
  await pc.waitFor('+IPR: 0', 5000);
  await pc.write('ATDT5551000\r');
  await pc.waitFor(/CONNECT 300\r\n/, 60_000);
  await pc.waitFor(ECHO_BANNER, 60_000);
  await pc.write('hello from DOSBox');
  await pc.waitFor('hello from DOSBox', 30_000);
  const other = await tcpTerminal(port);
  t.regex(await other.waitFor(/in use by [\d.:]+/, 5000), /in use/);
  await other.closed;
  t.is(modem.state, 'online', 'the first client keeps its call');
  await pc.close();
  await until(() => modem.state === 'command', 10_000, 'hang-up when the connection closes (DTR off)');
  t.false(hw.port.lines.get('DTR'));
});
