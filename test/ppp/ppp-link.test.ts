/**
 * Dial-up networking end to end (issue 21): Debian's pppd in a VM dials through Dialtone's pseudo-terminal with a
 * chat script and reaches Debian's pppd in a second VM behind an exchange number (an answering modem in front of a
 * program). The line runs on the fast clock here (many times real time; the VMs run on the wall clock), so
 * throughput is measured in line time, and round-trip times are left to the realtime test and the bench.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { figuresOf, lineCps, startPppSession } from './ppp-session.ts';
import type { PppSessionOptions } from './ppp-session.ts';

async function session(t: ExecutionContext, o: PppSessionOptions) {
  // Two VMs under TCG on a loaded machine: boots of 5-30 s, and the line as fast as the CPU allows (bounded work).
  t.timeout(20 * 60_000);
  const s = await startPppSession(t, o);
  if (typeof s === 'string') {
    t.fail(s);
    return null;
  }
  t.teardown(() => {
    if (!t.passed || process.env.PPP_LOG) t.log(`client:\n${s.client.console()}\nserver:\n${s.server?.console() ?? "(none)"}\ndialtone:\n${s.rig.log.join('\n')}`);
  });
  return s;
}

test.serial('V.22bis: pppd dials through Dialtone, LCP and IPCP up, pings the far pppd, 256 KiB downloaded intact', async (t) => {
  const o: PppSessionOptions = { modulation: 'v22bis', pings: 5, interval: 0.5, get: 'random.bin' };
  const s = await session(t, o);
  if (!s) return;
  await s.client.waitFor(/DT-STATS/, 600_000);
  const f = figuresOf(s, o);
  t.true(f.lcpUp, 'LCP and IPCP up');
  t.is(f.connect, '2400');
  t.is(f.local, '10.0.0.2');
  t.is(f.peer, '10.0.0.1');
  t.is(f.rttsMs.length, 5, 'every ping answered');
  t.is(f.bytes, 262144);
  t.true(f.intact, 'the download has the served file\'s SHA-256');
  t.is(f.errors, 0);
  t.log(`throughput ${f.throughputCps} cps of line time (line rate ${lineCps('v22bis', 'none')} cps)`);
  t.true(f.throughputCps! > 0.8 * lineCps('v22bis', 'none'), `${f.throughputCps} cps`);
  // The client stops pppd (as a user ending the connection does): LCP Terminate at both ends.
  await s.client.waitFor(/DT-PPPD Connection terminated/, 60_000);
  await s.server!.waitFor(/DT-SPPPD LCP terminated by peer/, 60_000);
  await s.server!.waitFor(/DT-SPPPD Connection terminated/, 60_000);
});

test.serial('V.22bis with V.42bis: 256 KiB of text downloaded intact, faster than the line rate', async (t) => {
  const o: PppSessionOptions = { modulation: 'v22bis', errorControl: 'v42bis', pings: 3, interval: 0.5, get: 'text.txt' };
  const s = await session(t, o);
  if (!s) return;
  await s.client.waitFor(/DT-STATS/, 600_000);
  const f = figuresOf(s, o);
  t.true(f.lcpUp);
  t.true(s.rig.log.some((l) => /v42: lapm.*V\.42bis/.test(l)), 'the call runs LAPM with V.42bis');
  t.is(f.bytes, 262144);
  t.true(f.intact);
  t.log(`throughput ${f.throughputCps} cps of line time (LAPM octets: ${lineCps('v22bis', 'v42bis')} cps)`);
  t.true(f.throughputCps! > lineCps('v22bis', 'v42bis'), `${f.throughputCps} cps`);
});

for (const modulation of ['v21', 'v22'] as const) {
  test.serial(`${modulation === 'v21' ? 'V.21' : 'V.22'}: LCP and IPCP up, pings answered`, async (t) => {
    const o: PppSessionOptions = { modulation, pings: 3, interval: 0.5 };
    const s = await session(t, o);
    if (!s) return;
    await s.client.waitFor(/DT-STATS/, 600_000);
    const f = figuresOf(s, o);
    t.true(f.lcpUp);
    t.is(f.connect, modulation === 'v21' ? '300' : '1200');
    t.is(f.peer, '10.0.0.1');
    t.is(f.rttsMs.length, 3);
  });
}
