/**
 * The automode answerer (issue 4: AT+MS=V22B,1, modem.modulation auto) called by spandsp's modems, which know nothing
 * of automode: spandsp's V.22bis and V.22 callers, and its V.21 and Bell 103 callers (test/interop/spandsp-modem.c),
 * over the simulated line at 30 dB SNR, band limited. Dialtone must answer in the caller's mode, CONNECT at its rate,
 * and carry 2 KiB each way byte-exact.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '../helpers/random.ts';
import { callPeer, waitForBytes } from './peer-call.ts';
import { buildSpandspModem, spandspPeer, spandspQamPeer } from './spandsp.ts';

const SIZE = 2048;
const NO_CARRIER = Buffer.from('\r\nNO CARRIER\r\n', 'latin1');
const CALLERS = [
  ['v22bis', 2400],
  ['v22', 1200],
  ['v21', 300],
  ['bell103', 300],
] as const;

test.before(() => {
  buildSpandspModem();
});

// spandsp's Bell 103 caller starts its data 200 ms after its mark, which automode needs 120 ms to recognise: the FSK
// answerers it may hand the call to listen from the start (AutomodePump's `ahead`), so that their carrier detect has
// its noise floor when the caller comes (started on recognition, the first nine characters came out as six others).
for (const [modem, rate] of CALLERS) {
  test.serial(`automode: Dialtone answers a spandsp ${modem} caller, CONNECT ${rate}, ${SIZE} bytes each way byte-exact`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), `dialtone-automode-${modem}-`));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const fromDialtone = Buffer.from(randomBytes(SIZE, 0x4100 + rate));
    const fromPeer = Buffer.from(randomBytes(SIZE, 0x4200 + rate));
    writeFileSync(join(dir, 'peer.send'), fromPeer);
    const common = { role: 'caller' as const, send: join(dir, 'peer.send'), recv: join(dir, 'peer.recv'), expect: SIZE, verbose: true, maxSeconds: 600 };
    const peer = modem === 'v22bis' || modem === 'v22' ? spandspQamPeer({ ...common, modem }) : spandspPeer({ ...common, modem });
    const call = await callPeer({ modulation: 'auto', role: 'answerer', peer, snrDb: 30, connectTimeoutMs: 60_000 });
    t.teardown(call.stop);
    const { daemon } = call;
    t.is(call.connect, `CONNECT ${rate}`);
    const written = daemon.term.write(fromDialtone);
    await waitForBytes(daemon, call.dataStart, fromPeer, 120_000);
    await written;
    await daemon.term.waitFor('NO CARRIER\r\n', 120_000);
    const end = daemon.term.buffer.lastIndexOf(NO_CARRIER);
    const got = daemon.term.buffer.subarray(call.dataStart, end);
    t.true(got.equals(fromPeer), `Dialtone received ${got.length} bytes, expected ${SIZE}; payload at ${got.indexOf(fromPeer)}`);
    for (let i = 0; i < 60 && !/spandsp-modem: exit/.test(call.peerLog()); i++) await new Promise((r) => setTimeout(r, 50));
    const recv = readFileSync(join(dir, 'peer.recv'));
    t.true(recv.equals(fromDialtone), `peer received ${recv.length} bytes, expected ${SIZE}`);
    t.regex(call.peerLog(), /spandsp-modem: exit 0, received \d+ bytes/);
  });
}
