/**
 * Dialtone against an independent V.22/V.22bis modem: the daemon, driven through its PTY like a terminal, calls and
 * is called by spandsp's V.22bis modem (test/interop/spandsp-modem.c, --modem v22|v22bis) over the simulated line at
 * 30 dB SNR, band limited, and 16 KiB of seeded random bytes go each way, byte-exact. Each pair also checks the
 * result code (CONNECT 1200 / CONNECT 2400), the rate spandsp reports, and that Dialtone says NO CARRIER when the
 * peer, done, drops its carrier and hangs up. Byte-exact both ways: nothing before the payload (received data are
 * held until the far scrambled ones at the final rate, V.22bis §6.3.1.1.1 f) and V.22 §6.3.1.2) and nothing after it
 * (circuit 104 clamped to mark while circuit 109 is OFF, and characters held back three frames and dropped when the
 * far signal's level falls away). The FSK families are in dialtone-spandsp.test.ts.
 *
 * The daemon selects the modulation by `modem.modulation: v22 | v22bis` in its configuration (callPeer). The peer
 * sends its payload as soon as it has trained, and hangs up once it has Dialtone's whole payload (--expect).
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '../helpers/random.ts';
import { callPeer, peerEventTime, waitForBytes } from './peer-call.ts';
import { buildSpandspModem, parseQamReport, spandspQamPeer, type SpandspQamModem } from './spandsp.ts';

const SIZE = 16 * 1024;
const SNR_DB = 30;
const RATE: Record<SpandspQamModem, number> = { v22: 1200, v22bis: 2400 };
const NO_CARRIER = Buffer.from('\r\nNO CARRIER\r\n', 'latin1');

test.before(() => {
  buildSpandspModem();
});

for (const modulation of ['v22', 'v22bis'] as const) {
  for (const role of ['caller', 'answerer'] as const) {
    const peerRole = role === 'caller' ? 'answerer' : 'caller';
    test(`${modulation}: Dialtone as ${role} and spandsp carry ${SIZE} bytes each way at ${SNR_DB} dB`, async (t) => {
      const t0 = Date.now();
      const dir = mkdtempSync(join(tmpdir(), `dialtone-interop-${modulation}-${role}-`));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const seed = 0x2200 + (modulation === 'v22bis' ? 16 : 0) + (role === 'caller' ? 1 : 2);
      const fromDialtone = Buffer.from(randomBytes(SIZE, seed));
      const fromPeer = Buffer.from(randomBytes(SIZE, seed + 100));
      writeFileSync(join(dir, 'peer.send'), fromPeer);
      const peer = spandspQamPeer({
        modem: modulation,
        role: peerRole,
        send: join(dir, 'peer.send'),
        recv: join(dir, 'peer.recv'),
        expect: SIZE,
        verbose: true,
        maxSeconds: 900,
      });
      const call = await callPeer({ modulation, role, peer, snrDb: SNR_DB });
      t.teardown(call.stop);
      const { daemon } = call;
      t.is(call.connect, `CONNECT ${RATE[modulation]}`);

      // Both ways at once (full duplex).
      const written = daemon.term.write(fromDialtone);
      const lineTimeout = 240_000;
      await waitForBytes(daemon, call.dataStart, fromPeer, lineTimeout);
      const tReceived = Date.now();
      await written;
      await daemon.term.waitFor('NO CARRIER\r\n', lineTimeout);
      const wall = (Date.now() - t0) / 1000;

      // What Dialtone's DTE got in data mode, up to NO CARRIER.
      const end = daemon.term.buffer.lastIndexOf(NO_CARRIER);
      const got = daemon.term.buffer.subarray(call.dataStart, end);
      const at = got.indexOf(fromPeer);
      const after = at >= 0 ? got.length - SIZE - at : 0;
      const stray =
        at > 0 || after > 0
          ? `: ${at} stray bytes before the payload, ${after} after (${got.subarray(0, at).toString('hex')} | ${got.subarray(got.length - after).toString('hex')})`
          : '';
      t.true(got.equals(fromPeer), `Dialtone received ${got.length} bytes, expected ${SIZE}; payload at ${at}${stray}`);

      // What the peer got, and its own account of the call.
      // The peer's last stderr line may still be on its way to the log.
      for (let i = 0; i < 60 && !/spandsp-modem: exit/.test(call.peerLog()); i++) await new Promise((r) => setTimeout(r, 50));
      const log = call.peerLog();
      const recv = readFileSync(join(dir, 'peer.recv'));
      t.true(recv.equals(fromDialtone), `peer received ${recv.length} bytes, expected ${SIZE}; payload at ${recv.indexOf(fromDialtone)}`);
      t.regex(log, /spandsp-modem: exit 0, received \d+ bytes/);
      t.is(parseQamReport(log.replace(/^.*\] (?=RATE )/gm, '')).rate, RATE[modulation], log);
      if (call.ringExit) t.is(await call.ringExit, 0, 'ring (the peer) exit status');
      const peerConnect = peerEventTime(log, 'CONNECT');
      t.not(peerConnect, null, log);
      t.log(
        `${modulation}, Dialtone ${role}: ${SIZE} bytes each way; peer connected at ${peerConnect} s of line time;` +
          ` ${wall.toFixed(1)} s wall (peer's payload complete after ${((tReceived - t0) / 1000).toFixed(1)} s)`,
      );
    });
  }
}
