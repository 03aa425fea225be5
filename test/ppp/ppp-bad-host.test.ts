/**
 * Bad input on a dial-up call (issue 21): the number answers (CONNECT) but nothing there speaks PPP. pppd in the
 * client VM gives up with its own message, and Dialtone stays well: the call ends and the next command is answered.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { startPppSession } from './ppp-session.ts';
import type { PppSessionOptions } from './ppp-session.ts';

async function run(t: ExecutionContext, o: PppSessionOptions) {
  t.timeout(20 * 60_000);
  const s = await startPppSession(t, o);
  if (typeof s === 'string') {
    t.fail(s);
    return null;
  }
  t.teardown(() => {
    if (!t.passed || process.env.PPP_LOG) t.log(`client:\n${s.client.console()}\ndialtone:\n${s.rig.log.join('\n')}`);
  });
  await s.client.waitFor(/DT-NOLINK/, 600_000);
  return s;
}

// pppd's defaults: a Configure-Request every 3 s, 10 of them (lcp-restart, lcp-max-configure).
test.serial('a host that never answers LCP: pppd times out its Configure-Requests and ends', async (t) => {
  const s = await run(t, { modulation: 'v22bis', hostCommand: 'exec cat >/dev/null' });
  if (!s) return;
  t.regex(s.client.console(), /DT-PPPD LCP: timeout sending Config-Requests/);
  t.true(s.rig.log.some((l) => /program host: CONNECT 2400/.test(l)));
});

test.serial('garbage from the far side: pppd finds no frame in it, times out and ends; the modem keeps working', async (t) => {
  // Random bytes at line rate for the whole call (what a wrong service, or line noise on a bad connection, looks like).
  const s = await run(t, { modulation: 'v22bis', hostCommand: 'exec head -c 2000000 /dev/urandom' });
  if (!s) return;
  t.regex(s.client.console(), /DT-PPPD LCP: timeout sending Config-Requests/);
  t.false(s.client.console().includes('DT-IPCP'), 'no link from garbage');
});
