/**
 * Automode with V.42 (&Q5) through the daemon: the exchange's automode number 5552401 (config/default.yaml, with
 * errorControl: v42bis) dialled with &Q5, and the daemon itself answering in automode (AT+MS=V22B,1) with &Q5.
 */
import test from 'ava';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { mulberry32 } from '../helpers/random.ts';
import { callPeer } from '../interop/peer-call.ts';
import { rig } from './rig.ts';

function text(n: number, seed: number): string {
  const r = mulberry32(seed);
  let s = '';
  while (s.length < n) s += String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

for (const [carrier, connect] of [
  ['V22B', 'CONNECT 2400/ARQ'],
  ['B103', 'CONNECT 300'],
] as const) {
  test(`AT&Q5+MS=${carrier} ATDT5552401 (automode + V.42bis answers): ${connect}, 256 bytes echoed intact`, async (t) => {
    const { term } = await rig(t);
    await term.write(`AT&Q5+MS=${carrier}\r`);
    await term.waitFor('OK\r\n');
    await term.write('ATDT5552401\r');
    const result = await term.waitFor(/CONNECT [^\r]*\r\n|NO CARRIER\r\n/, 60000);
    t.is(result.slice(result.lastIndexOf('CONNECT')).trim(), connect);
    await term.waitFor(ECHO_BANNER, 30000);
    const payload = text(256, connect.length);
    await term.write(payload);
    t.is(await term.waitFor(payload.slice(-40), 60000), payload);
  });
}

// The daemon answers in automode with &Q5; Dialtone's V.22bis caller (a lock-step program) calls, with or without V.42.
const QAM_PEER = join(dirname(fileURLToPath(import.meta.url)), '../dsp/qam/qam-peer.ts');

for (const [v42, connect, mode] of [
  [true, 'CONNECT 2400/ARQ', 'v42: lapm'],
  [false, 'CONNECT 2400', 'v42: normal (no answer to the detection phase)'],
] as const) {
  test.serial(`automode answering with AT&Q5, a V.22bis caller ${v42 ? 'with' : 'without'} V.42: ${connect}`, async (t) => {
    const args = ['--import', 'tsx', QAM_PEER, '--role', 'caller', '--max-rate', '2400', ...(v42 ? ['--v42'] : [])];
    const call = await callPeer({ modulation: 'auto', role: 'answerer', peer: { command: process.execPath, args }, at: '&Q5', connectTimeoutMs: 60_000 });
    t.teardown(call.stop);
    t.is(call.connect, connect);
    t.regex(await call.daemon.waitForLog('automode: the caller is', 10_000), /automode: the caller is v22bis/);
    t.true((await call.daemon.waitForLog('v42: ', 10_000)).includes(mode));
  });
}
