/**
 * Automode through the daemon (issue 4): the exchange's built-in automode number (5552401 in config/default.yaml)
 * dialled with different modulations, and ATB0/ATB1 deciding the daemon's own automode answer (AT+MS=V22B,1).
 */
import test from 'ava';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { mulberry32 } from '../helpers/random.ts';
import { callPeer } from '../interop/peer-call.ts';
import { rig } from './rig.ts';

const AUTOMODE_NUMBER = '5552401';

function text(n: number, seed: number): string {
  const r = mulberry32(seed);
  let s = '';
  while (s.length < n) s += String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

for (const [carrier, rate] of [
  ['V22B', 2400],
  ['B103', 300],
] as const) {
  test(`AT+MS=${carrier}: dial the automode number ${AUTOMODE_NUMBER}, CONNECT ${rate}, 256 bytes echoed intact`, async (t) => {
    const { term } = await rig(t);
    await term.write(`AT+MS=${carrier}\r`);
    await term.waitFor('OK\r\n');
    await term.write(`ATDT${AUTOMODE_NUMBER}\r`);
    t.regex(await term.waitFor(/CONNECT \d+\r\n|NO CARRIER\r\n/, 60000), new RegExp(`CONNECT ${rate}\\r\\n$`));
    await term.waitFor(ECHO_BANNER, 30000);
    const payload = text(256, rate);
    await term.write(payload);
    t.is(await term.waitFor(payload.slice(-40), 60000), payload);
  });
}

// Dialtone's own V.22bis caller (test/dsp/qam/qam-peer.ts as a lock-step program) rings the daemon, which answers in
// automode (modem.modulation: auto, as AT+MS=V22B,1). With ATB0 it hears the V.25 answer tone and unscrambled ones: V.22bis at 2400. With ATB1 it hears the
// Bell answer tone (2225 Hz) first and takes it, as a Bell 212A caller would: 1200.
const QAM_PEER = join(dirname(fileURLToPath(import.meta.url)), '../dsp/qam/qam-peer.ts');

for (const [b, rate, caller] of [
  ['B0', 2400, 'v22bis'],
  ['B1', 1200, 'bell212a'],
] as const) {
  test.serial(`AT${b} with automode answering Dialtone's V.22bis caller: CONNECT ${rate}, the caller taken for ${caller}`, async (t) => {
    const peer = { command: process.execPath, args: ['--import', 'tsx', QAM_PEER, '--role', 'caller', '--max-rate', '2400'] };
    const call = await callPeer({ modulation: 'auto', role: 'answerer', peer, at: b, connectTimeoutMs: 60_000 });
    t.teardown(call.stop);
    t.is(call.connect, `CONNECT ${rate}`);
    // The log comes through a pipe: the line may arrive a moment after the CONNECT.
    const log = await call.daemon.waitForLog('automode: the caller is', 10_000);
    t.regex(log, new RegExp(`automode: the caller is ${caller} \\(AT${b}\\)`));
  });
}
