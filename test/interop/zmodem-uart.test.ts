/**
 * The same stock lrzsz transfers through the UART path: the sending modem runs on the serialport backend on a socat
 * pseudo-terminal pair, its control lines and LEDs on the fake GPIO chip (as in test/app/serial-backends.test.ts),
 * and `sz`/`sx` on the pair's far end. The DTE's transmitter obeys CTS as a PC's UART with RTS/CTS does: the test
 * suspends the far end's output (tcflow) while the modem holds CTS off. The receiving modem is a daemon on its
 * pseudo-terminal, joined through the frame meter. Figures as in zmodem.test.ts, for docs/dte-notes.md.
 */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../firmware-app/config.ts';
import { FrameClock } from '../../firmware-app/frame-clock.ts';
import { Modem } from '../../firmware-app/modem.ts';
import { openHardware } from '../../hal/factory.ts';
import type { FakeGpioChip } from '../../hal/gpio/fake-chip.ts';
import { SimulatedExchange } from '../../hal/line/simulated-exchange.ts';
import { suspendOutput } from '../../hal/serial/pty-port.ts';
import { openTerminal, startDaemon } from '../helpers/daemon.ts';
import { socatPair } from '../hal/serial-peers.ts';
import { bridgeRoute, BRIDGE_NUMBER, CASES, holdPort, intact, meterReader, peakHeld, row, transfer } from './file-transfer.ts';

const PINS = { DCD: 22, DSR: 23, RI: 24, CTS: 27, DTR: 25, RTS: 4 };

for (const c of CASES) {
  const name = `${c.carrier}${c.v42 ? ' with V.42' : ''}`;
  test.serial(`stock sz → rz over ${name} through the UART path (socat pair, CTS on GPIO): files equal`, async (t) => {
    t.timeout(15 * 60_000);
    const b = await startDaemon({ config: { modem: { modulation: c.modulation } } });
    t.teardown(b.stop);
    const meter = join(b.dir, 'frames');

    const pair = await socatPair();
    t.teardown(() => pair.stop());
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-uart-'));
    const cfg = loadConfig();
    const log: string[] = [];
    const hw = await openHardware({
      serial: { backend: 'serialport', link: 'unused', device: pair.a, baudRate: 115200, rtscts: false },
      gpio: { backend: 'fake' },
      leds: { backend: 'none' },
      controlLines: { backend: 'gpio', pins: PINS, activeLow: true, debounceMs: 5 },
    });
    const numbers = { ...cfg.exchange.numbers, ...bridgeRoute(b.socket, meter) } as typeof cfg.exchange.numbers;
    const exchange = new SimulatedExchange({ ...cfg.exchange, numbers, answerToneMs: cfg.modem.answerToneMs, log: (l) => log.push(l) });
    const modem = new Modem({
      port: hw.port,
      line: exchange,
      clock: new FrameClock('fast'),
      log: (l) => log.push(l),
      stateDir: join(dir, 'state'),
      modulation: c.modulation as 'v21',
    });
    t.teardown(() => {
      if (process.env.RIG_LOG) console.error(log.join('\n'));
      modem.close();
      hw.close();
    });
    const chip = (await hw.gpio()) as FakeGpioChip;
    chip.drive(PINS.DTR, false); // DTR and RTS on (0 V at the Pi behind the inverting transceiver)
    chip.drive(PINS.RTS, false);
    // The PC's UART: it stops sending while CTS is off (high at the Pi).
    const pc = holdPort(pair.b);
    t.teardown(() => pc.release());
    let ctsOff = false;
    const uart = setInterval(() => {
      const off = chip.level(PINS.CTS);
      if (off !== ctsOff) suspendOutput(pair.b, (ctsOff = off));
    }, 1);
    t.teardown(() => clearInterval(uart));

    const ec = c.v42 ? '&Q5' : '&Q0';
    await b.term.write(`ATE0${ec}S0=1\r`);
    await b.term.waitFor('OK\r\n', 10_000);
    const term = await openTerminal(pair.b);
    await term.write(`ATE0&K3&D2${ec}DT${BRIDGE_NUMBER}\r`);
    const connect = (await term.waitFor(/CONNECT[^\r]*\r\n/, 120_000)).trim();
    await b.term.waitFor(/CONNECT[^\r]*\r\n/, 120_000);
    t.is(connect.includes('/ARQ'), c.v42, connect);
    const portB = holdPort(b.link);
    t.teardown(() => portB.release());
    await term.close();
    await b.term.close();

    const common = {
      dir,
      senderFd: pc.fd,
      receiverFd: portB.fd,
      senderPath: pair.b,
      receiverPath: b.link,
      frames: meterReader(meter),
      timeoutMs: Number(process.env.TRANSFER_TIMEOUT_MS ?? 10 * 60_000),
    };
    const z = await transfer({ ...common, protocol: 'zmodem', size: c.zmodemBytes, seed: 0x2d0d });
    t.log(row('UART', c.carrier, c.v42, z, c.lineCps));
    t.is(z.sender.code, 0, `sz: ${z.sender.stderr}`);
    t.is(z.receiver.code, 0, `rz: ${z.receiver.stderr}`);
    t.true(intact(z), 'the ZMODEM file arrived whole and unchanged');
    // XMODEM (sx → rx -c) only when asked (TRANSFER_XMODEM=1): its end of file sometimes never completes here (sx
    // waits for the ACK of its EOT after rx has left; docs/dte-notes.md), which is being looked into.
    if (process.env.TRANSFER_XMODEM === '1') {
      const x = await transfer({ ...common, protocol: 'xmodem', size: c.xmodemBytes, seed: 0x5a5a });
      t.log(row('UART', c.carrier, c.v42, x, c.lineCps));
      t.is(x.sender.code, 0, `sx: ${x.sender.stderr}`);
      t.is(x.receiver.code, 0, `rx: ${x.receiver.stderr}`);
      t.true(intact(x), 'the XMODEM file arrived whole and unchanged');
    }

    chip.drive(PINS.DTR, true); // DTR off: &D2 hangs up, and the modem logs what its flow control held
    const t0 = Date.now();
    while (modem.state !== 'command' && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    t.is(modem.state, 'command');
    const held = peakHeld(log.join('\n'));
    t.log(held ? `the modem held at most ${held.chars} characters for the line (${held.seconds} s), CTS off ${held.holds} times` : 'CTS never went off');
    t.is(modem.flow.lostUp, 0, 'no byte from the DTE lost');
    if (c.zmodemBytes > 4 * c.lineCps) t.true((held?.holds ?? 0) > 0, 'CTS stopped sz');
  });
}
