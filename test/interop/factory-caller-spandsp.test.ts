/**
 * Issue 18: Dialtone's factory caller (automode, AT+MS=V22B,1,300,2400; dsp/automode-caller.ts) dialling spandsp's
 * answering modems, which know nothing of automode: its V.22bis and V.22 answerers and its V.21 and Bell 103 ones
 * (test/interop/spandsp-modem.c), over the simulated line at 30 dB SNR, band limited. Dialtone must fall back to the
 * answerer's mode, CONNECT at its rate and carry 2 KiB each way byte-exact (Bell 103: see below). The mirror of
 * automode-spandsp.test.ts.
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
const ANSWERERS = [
  ['v22bis', 2400],
  ['v22', 1200],
  ['v21', 300],
  ['bell103', 300],
] as const;

test.before(() => {
  buildSpandspModem();
});

for (const [modem, rate] of ANSWERERS) {
  test.serial(
    `factory automode caller: Dialtone calls a spandsp ${modem} answerer, CONNECT ${rate}, ${SIZE} bytes each way byte-exact${modem === 'bell103' ? ' (after what the peer decoded of the 212A attempt)' : ''}`,
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), `dialtone-factory-${modem}-`));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const fromDialtone = Buffer.from(randomBytes(SIZE, 0x5100 + rate));
      const fromPeer = Buffer.from(randomBytes(SIZE, 0x5200 + rate));
      writeFileSync(join(dir, 'peer.send'), fromPeer);
      const common = { role: 'answerer' as const, send: join(dir, 'peer.send'), recv: join(dir, 'peer.recv'), expect: SIZE, verbose: true, maxSeconds: 600 };
      const peer = modem === 'v22bis' || modem === 'v22' ? spandspQamPeer({ ...common, modem }) : spandspPeer({ ...common, modem });
      const call = await callPeer({ modulation: 'auto', role: 'caller', peer, snrDb: 30, connectTimeoutMs: 90_000 });
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
      // The peer writes its file and says so on exit; under load that can trail NO CARRIER by seconds.
      for (let i = 0; i < 200 && !/spandsp-modem: exit/.test(call.peerLog()); i++) await new Promise((r) => setTimeout(r, 50));
      const recv = readFileSync(join(dir, 'peer.recv'));
      if (modem === 'bell103') {
        // spandsp's Bell 103 answerer has no V.25 gap after its answer tone: its 2225 Hz goes on as its mark, which
        // is a Bell 212A answerer's tone too. Dialtone answers it as 212A after ATB0's wait, and the 103 takes that
        // second of scrambled ones for a carrier and decodes characters from it (as a real 103 does) before the
        // fallback; what Dialtone then sends arrives intact.
        t.log(`${recv.length - SIZE} characters of the Bell 212A attempt before the payload at the peer`);
        t.true(recv.subarray(recv.length - SIZE).equals(fromDialtone), `peer received ${recv.length} bytes, the last ${SIZE} not the payload`);
      } else t.true(recv.equals(fromDialtone), `peer received ${recv.length} bytes, expected ${SIZE}`);
      t.regex(call.peerLog(), /spandsp-modem: exit 0, received \d+ bytes/);
      t.regex(daemon.log(), new RegExp(`automode: the answerer is ${modem}`));
    },
  );
}
