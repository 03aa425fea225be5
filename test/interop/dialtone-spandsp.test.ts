/**
 * Dialtone against an independent FSK modem: the daemon, driven through its PTY like a terminal, calls and is
 * called by spandsp's modem (test/interop/spandsp-modem.c) over the simulated line at 30 dB SNR, band limited,
 * and 16 KiB of seeded random bytes go each way (V.23's 75 bit/s backward channel carries 512 bytes: 16 KiB would
 * take 36 minutes of line time). Each pair also checks the answer tone, the result codes, and that Dialtone says
 * NO CARRIER when the peer, done, drops its carrier and hangs up.
 *
 * Bell 202 is half duplex: the peer sends its payload in one burst as soon as the line is quiet, so the terminal
 * waits until it has the peer's payload before it sends its own. A Bell 202 answerer (spandsp's) connects on the
 * caller's carrier, and Dialtone as caller sends none until its DTE has data, so the terminal first sends a few
 * 0xFF characters to raise the carrier (as a terminal waits for CTS on a real 202): the peer keeps whichever of
 * them arrived after it connected, and its file must be those 0xFF bytes followed by the payload.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '../helpers/random.ts';
import { callPeer, peerEventTime, waitForBytes } from './peer-call.ts';
import { buildSpandspModem, spandspPeer, type SpandspFamily } from './spandsp.ts';

const KIB16 = 16 * 1024;
/** Bytes sent by the modem in each role. */
const SIZES: Record<SpandspFamily, { caller: number; answerer: number }> = {
  v21: { caller: KIB16, answerer: KIB16 },
  bell103: { caller: KIB16, answerer: KIB16 },
  v23: { caller: 512, answerer: KIB16 }, // the caller sends on the 75 bit/s backward channel
  bell202: { caller: KIB16, answerer: KIB16 },
};
const CONNECT_RATE: Record<SpandspFamily, number> = { v21: 300, bell103: 300, v23: 1200, bell202: 1200 };
/** The peer's answer tone (spandsp-modem.c): V.25 ANS 3.3 s; Bell 2225 Hz for 2 s. */
const PEER_TONE_S: Record<SpandspFamily, number> = { v21: 3.3, bell103: 2.0, v23: 3.3, bell202: 2.0 };
/**
 * Every pair must be byte-exact. (Dialtone's FSK receiver holds its decisions two frames, so that the noise after a
 * far carrier stops is dropped with it, and carrier detect measures the noise floor in a guard band.)
 */
const SNR_DB: Record<SpandspFamily, number> = { v21: 30, bell103: 30, v23: 30, bell202: 30 };
const BELL202_PRIME = Buffer.alloc(24, 0xff);
const NO_CARRIER = Buffer.from('\r\nNO CARRIER\r\n', 'latin1');

test.before(() => {
  buildSpandspModem();
});

for (const modulation of Object.keys(SIZES) as SpandspFamily[]) {
  for (const role of ['caller', 'answerer'] as const) {
    const peerRole = role === 'caller' ? 'answerer' : 'caller';
    const sent = SIZES[modulation][role];
    const expected = SIZES[modulation][peerRole];
    test(`${modulation}: Dialtone as ${role} and spandsp carry ${sent} + ${expected} bytes byte-exact at ${SNR_DB[modulation]} dB`, async (t) => {
      const t0 = Date.now();
      const halfDuplex = modulation === 'bell202';
      const dir = mkdtempSync(join(tmpdir(), `dialtone-interop-${modulation}-${role}-`));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const seed = (modulation.length << 4) + (role === 'caller' ? 1 : 2);
      const fromDialtone = Buffer.from(randomBytes(sent, seed));
      const fromPeer = Buffer.from(randomBytes(expected, seed + 100));
      writeFileSync(join(dir, 'peer.send'), fromPeer);
      const primed = halfDuplex && role === 'caller';
      const peer = spandspPeer({
        modem: modulation,
        role: peerRole,
        send: join(dir, 'peer.send'),
        recv: join(dir, 'peer.recv'),
        expect: sent,
        verbose: true,
        maxSeconds: 3600,
      });
      const call = await callPeer({ modulation, role, peer, snrDb: SNR_DB[modulation] });
      t.teardown(call.stop);
      const { daemon } = call;
      t.is(call.connect, `CONNECT ${CONNECT_RATE[modulation]}`);

      // Data both ways: at once on a full-duplex line, one after the other on Bell 202.
      let written: Promise<void> = Promise.resolve();
      if (primed) await daemon.term.write(BELL202_PRIME);
      if (!halfDuplex) written = daemon.term.write(fromDialtone);
      const lineTimeout = 280_000;
      await waitForBytes(daemon, call.dataStart, fromPeer, lineTimeout);
      const tReceived = Date.now();
      if (halfDuplex) written = daemon.term.write(fromDialtone);
      await written;
      await daemon.term.waitFor('NO CARRIER\r\n', lineTimeout);
      const wall = (Date.now() - t0) / 1000;

      // What Dialtone's DTE got in data mode, up to NO CARRIER.
      const end = daemon.term.buffer.lastIndexOf(NO_CARRIER);
      const got = daemon.term.buffer.subarray(call.dataStart, end);
      const at = got.indexOf(fromPeer);
      if (at >= 0 && got.length !== fromPeer.length) t.log(`stray bytes: ${at} before the payload, ${got.length - fromPeer.length - at} after`);
      t.true(got.equals(fromPeer), `Dialtone received ${got.length} bytes, expected ${expected}; payload at ${at}`);

      // What the peer got (and its own account of it): its last stderr line may still be on its way to the log.
      for (let i = 0; i < 60 && !/spandsp-modem: exit/.test(call.peerLog()); i++) await new Promise((r) => setTimeout(r, 50));
      const log = call.peerLog();
      const recv = readFileSync(join(dir, 'peer.recv'));
      if (primed) {
        const lead = recv.length - fromDialtone.length;
        t.true(lead >= 0 && lead <= BELL202_PRIME.length && recv.subarray(0, lead).every((b) => b === 0xff), `peer got ${recv.length} bytes`);
        t.true(recv.subarray(Math.max(0, lead)).equals(fromDialtone), 'peer received the payload byte-exact after the 0xFF prime');
        t.log(`peer kept ${lead} of the ${BELL202_PRIME.length} 0xFF characters that raised the carrier`);
      } else {
        t.true(recv.equals(fromDialtone), `peer received ${recv.length} bytes, expected ${sent}`);
      }
      t.regex(log, /spandsp-modem: exit 0, received \d+ bytes/);
      if (call.ringExit) t.is(await call.ringExit, 0, 'ring (the peer) exit status');

      // The answer tone and the handshake, from the peer's log (its line time).
      const peerConnect = peerEventTime(log, 'CONNECT');
      t.not(peerConnect, null, log);
      if (role === 'answerer') {
        // spandsp heard Dialtone's answer tone (2100 Hz for V.21/V.23, 2225 Hz for Bell) for 0.5 s ...
        t.is(peerEventTime(log, halfDuplex ? 'WAIT_TONE -> WAIT_TONE_END' : 'WAIT_TONE -> WAIT_CARRIER'), 0.5, log);
        // ... and for V.25 ANS, its 3.3 s (spandsp takes no carrier during ANS) before connecting.
        if (modulation === 'v21' || modulation === 'v23') t.true(peerConnect! >= 3.3, `peer connected at ${peerConnect} s`);
      } else {
        // Dialtone waited for the peer's answer tone before raising its carrier.
        const toneEnd = peerEventTime(log, 'ANSWER_TONE ->');
        t.is(toneEnd, PEER_TONE_S[modulation], log);
        t.true(peerConnect! > toneEnd!, `peer connected at ${peerConnect} s, tone ended at ${toneEnd} s`);
      }
      const finished = peerEventTime(log, 'FINISHING -> HANGUP');
      t.log(
        `${modulation}, Dialtone ${role}: ${sent} bytes sent, ${expected} received; ${finished} s of line time in ${wall.toFixed(1)} s wall` +
          ` (peer's payload complete after ${((tReceived - t0) / 1000).toFixed(1)} s)`,
      );
    });
  }
}

/** The carrier drop alone (not the peer's exit half a second later) ends the call, when S10 is shorter than that. */
test('v21: Dialtone as caller says NO CARRIER when the peer drops its carrier (S10=2)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-interop-drop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const payload = Buffer.from(randomBytes(64, 7));
  writeFileSync(join(dir, 'peer.send'), payload);
  const peer = spandspPeer({ modem: 'v21', role: 'answerer', send: join(dir, 'peer.send'), hangupAfterSend: true, verbose: true });
  const call = await callPeer({ modulation: 'v21', role: 'caller', peer, at: 'S10=2' });
  t.teardown(call.stop);
  await waitForBytes(call.daemon, call.dataStart, payload, 60_000);
  await call.daemon.term.waitFor('NO CARRIER\r\n', 60_000);
  const log = await call.daemon.waitForLog('modem: online → command', 10_000);
  const down = log.indexOf('modem: online → command');
  t.true(down > 0, log);
  // Had the peer's exit ended the call, the line would have reported "ended" first.
  t.false(log.slice(0, down).includes('line: ended'), log);
});

/**
 * Bell 202 turnaround, counted: Dialtone (answerer) sends 4 KiB in 11 bursts, each after the line has gone quiet,
 * to spandsp's Bell 202 receiver with a plain carrier-detect clamp (--raw-rx: the characters of every frame with
 * carrier are kept). At 40 dB the line noise is below spandsp's own carrier cutoff, so what is counted is what
 * the carrier's ends leave: cut off abruptly, 3 stray characters in 11 bursts (measured before the change); with
 * the soft carrier turn-off (dsp/fsk/soft-carrier.ts) there must be none. Dialtone's own receiver must likewise
 * print nothing when spandsp's short carrier (its "hello" after the answer tone) stops.
 */
test('bell202: 11 bursts from Dialtone reach spandsp with no extra characters; Dialtone prints nothing when the far carrier stops', async (t) => {
  t.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-interop-bursts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const payload = Buffer.from(randomBytes(4096, 202));
  writeFileSync(join(dir, 'peer.send'), Buffer.alloc(0));
  const recvPath = join(dir, 'peer.recv');
  const peer = spandspPeer({
    modem: 'bell202',
    role: 'caller',
    send: join(dir, 'peer.send'),
    recv: recvPath,
    expect: payload.length,
    verbose: true,
    maxSeconds: 3600,
    rawRx: true,
  });
  const call = await callPeer({ modulation: 'bell202', role: 'answerer', peer, snrDb: 40 });
  t.teardown(call.stop);
  const { daemon } = call;
  // The peer's "hello" carrier after the answer tone goes first: a burst sent into it would collide (half duplex).
  for (let i = 0; i < 600 && !call.peerLog().includes('half duplex: carrier off'); i++) await new Promise((r) => setTimeout(r, 50));
  const received = (): number => {
    try {
      return readFileSync(recvPath).length;
    } catch {
      return 0;
    }
  };
  const BURSTS = 11;
  const extras: number[] = [];
  let sent = 0;
  for (let b = 0; b < BURSTS; b++) {
    const end = Math.round(((b + 1) * payload.length) / BURSTS);
    await daemon.term.write(payload.subarray(sent, end));
    sent = end;
    const t0 = Date.now();
    while (received() < sent && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
    // The line goes quiet between bursts (the fast clock makes this seconds of line time).
    await new Promise((r) => setTimeout(r, 150));
    extras.push(received() - sent);
  }
  await daemon.term.waitFor('NO CARRIER\r\n', 120_000);
  const recv = readFileSync(recvPath);
  const printed = daemon.term.buffer.subarray(call.dataStart, daemon.term.buffer.lastIndexOf(NO_CARRIER));
  const perBurst = extras.map((e, i) => e - (i ? extras[i - 1] : 0));
  t.log(`extra characters at spandsp after each burst: ${perBurst.join(' ')} (${recv.length - payload.length} in all); Dialtone printed ${printed.length}`);
  t.is(recv.length - payload.length, 0, 'no extra characters at the far receiver');
  t.true(recv.equals(payload), 'the payload byte-exact');
  t.is(printed.length, 0, `Dialtone printed ${printed.toString('hex').slice(0, 40)} from the far carrier's comings and goings`);
});
