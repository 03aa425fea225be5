/**
 * Stock lrzsz transfers between two Dialtone daemons on their pseudo-terminals, over each modulation, with and
 * without V.42: `sz` on daemon A's port to `rz` on daemon B's (then `sx` to `rx` in the same call with
 * TRANSFER_XMODEM=1). B listens on its control socket and answers by S0=1; A's exchange routes a number to `dialtone ring --socket <B> --stdio` through
 * the frame meter, so the transfer's line time is known on the fast clock. The files must be equal; the characters
 * per second on the line, and the most the sending modem held for the line (its flow control stops the DTE at about
 * a second of line time, see firmware-app/at/dte-flow.ts), are logged: the figures in docs/dte-notes.md.
 */
import test from 'ava';
import { join } from 'node:path';
import { startDaemon } from '../helpers/daemon.ts';
import { bridgeRoute, BRIDGE_NUMBER, CASES, holdPort, intact, meterReader, peakHeld, row, transfer } from './file-transfer.ts';

// TRANSFER_CLOCK=realtime runs the same calls paced to the wall clock (sz's and rx's reaction times then cost line
// time as they would on a real line); TRANSFER_SCALE=0.25 sends smaller files (a realtime run is minutes per call).
const clock = process.env.TRANSFER_CLOCK === 'realtime' ? 'realtime' : 'fast';
const scale = Number(process.env.TRANSFER_SCALE ?? 1);
const sized = (n: number): number => Math.max(1024, Math.round((n * scale) / 1024) * 1024);

for (const c of CASES) {
  const name = `${c.carrier}${c.v42 ? ' with V.42' : ''}`;
  test.serial(`stock sz → rz between two daemons over ${name} (pty): files equal`, async (t) => {
    t.timeout(15 * 60_000);
    const config = { modem: { modulation: c.modulation } };
    const b = await startDaemon({ config, clock });
    t.teardown(b.stop);
    const meter = join(b.dir, 'frames');
    const a = await startDaemon({ config: { ...config, exchange: { numbers: bridgeRoute(b.socket, meter) } }, clock });
    t.teardown(a.stop);
    const ec = c.v42 ? '&Q5' : '&Q0';
    await b.term.write(`ATE0${ec}S0=1\r`);
    await b.term.waitFor('OK\r\n', 10_000);
    await a.term.write(`ATE0${ec}\r`);
    await a.term.waitFor('OK\r\n', 10_000);
    await a.term.write(`ATDT${BRIDGE_NUMBER}\r`);
    const connect = (await a.term.waitFor(/CONNECT[^\r]*\r\n/, 120_000)).trim();
    await b.term.waitFor(/CONNECT[^\r]*\r\n/, 120_000);
    t.is(connect.includes('/ARQ'), c.v42, connect);

    // The programs take the ports over from the test's terminals; the ports stay open throughout (DTR on).
    const portA = holdPort(a.link);
    const portB = holdPort(b.link);
    t.teardown(() => (portA.release(), portB.release()));
    await a.term.close();
    await b.term.close();
    const frames = meterReader(meter);
    const common = {
      dir: a.dir,
      senderFd: portA.fd,
      receiverFd: portB.fd,
      senderPath: a.link,
      receiverPath: b.link,
      frames,
      timeoutMs: Number(process.env.TRANSFER_TIMEOUT_MS ?? 10 * 60_000),
    };
    const z = await transfer({ ...common, protocol: 'zmodem', size: sized(c.zmodemBytes), seed: 0x2d0d });
    t.log(row('pty', c.carrier, c.v42, z, c.lineCps));
    t.is(z.sender.code, 0, `sz: ${z.sender.stderr}`);
    t.is(z.receiver.code, 0, `rz: ${z.receiver.stderr}`);
    t.true(intact(z), 'the ZMODEM file arrived whole and unchanged');
    // XMODEM (sx → rx -c) only when asked (TRANSFER_XMODEM=1): its end of file sometimes never completes here (sx
    // waits for the ACK of its EOT after rx has left; docs/dte-notes.md), which is being looked into.
    if (process.env.TRANSFER_XMODEM === '1') {
      const x = await transfer({ ...common, protocol: 'xmodem', size: sized(c.xmodemBytes), seed: 0x5a5a });
      t.log(row('pty', c.carrier, c.v42, x, c.lineCps));
      t.is(x.sender.code, 0, `sx: ${x.sender.stderr}`);
      t.is(x.receiver.code, 0, `rx: ${x.receiver.stderr}`);
      t.true(intact(x), 'the XMODEM file arrived whole and unchanged');
    }

    // Closing the ports is the DTE dropping DTR: A hangs up (&D2) and logs what its flow control held.
    portA.release();
    portB.release();
    await a.waitForLog('→ command', 60_000);
    const held = peakHeld(a.log());
    t.log(held ? `A held at most ${held.chars} characters for the line (${held.seconds} s), stopped the DTE ${held.holds} times` : 'A never stopped the DTE');
    // The DTE is stopped once a second of line time waits; what a pty writer puts in before the daemon reads again
    // is inside already (on the fast clock the daemon reads between bursts of frames: kilobytes, see
    // docs/dte-notes.md), so the figure is logged, and the stop itself is what is asserted.
    if (sized(c.zmodemBytes) > 4 * c.lineCps) t.true((held?.holds ?? 0) > 0, 'flow control stopped sz');
  });
}
