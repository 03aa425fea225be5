/**
 * Transparency of the PPP link through Dialtone (issue 21): every byte value both ways, escape sequences inside the
 * data ("+++" with no guard time) never taking Dialtone to command mode, and XON/XOFF flow control (&K4) with
 * pppd's ACCM escaping 0x11 and 0x13 so that the modem's in-band flow control and the data do not mix.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { figuresOf, startPppSession } from './ppp-session.ts';
import type { PppSessionOptions } from './ppp-session.ts';

async function run(t: ExecutionContext, o: PppSessionOptions) {
  t.timeout(20 * 60_000);
  const s = await startPppSession(t, o);
  if (typeof s === 'string') {
    t.fail(s);
    return null;
  }
  t.teardown(() => {
    if (!t.passed || process.env.PPP_LOG) t.log(`client:\n${s.client.console()}\nserver:\n${s.server?.console() ?? "(none)"}\ndialtone:\n${s.rig.log.join('\n')}`);
  });
  await s.client.waitFor(/DT-STATS/, 900_000);
  const post = await s.client.waitFor(/DT-POST file=(\S+) got=(\d+) sha256=(\w+)/, 1000);
  return { s, f: figuresOf(s, o), post };
}

test.serial('RTS/CTS: "+++" and every byte value uploaded, 256 KiB of every byte value downloaded, all intact, no escape', async (t) => {
  const o: PppSessionOptions = { modulation: 'v22bis', pings: 1, get: 'random.bin', post: 'plus.bin' };
  const r = await run(t, o);
  if (!r) return;
  t.true(r.f.intact, 'download intact');
  t.is(r.post[3], r.s.image.sha256['plus.bin'], 'upload intact');
  t.false(r.s.rig.log.some((l) => /online → online-command/.test(l)), 'no escape to command mode');
});

// Known failure (issue 21, open): with &K4 the ACCM 0xa0000 is agreed at both ends, then the download stalls
// (no DT-STATS within 15 min, 2026-12-03). Not yet understood; test.failing keeps it visible until it is fixed.
test.failing('XON/XOFF (&K4): pppd\'s asyncmap escapes 0x11/0x13; upload and download intact', async (t) => {
  const o: PppSessionOptions = { modulation: 'v22bis', pings: 1, get: 'random.bin', post: 'plus.bin', extraInit: '&K4', clientOpts: 'asyncmap,000a0000', serverOpts: 'asyncmap,000a0000' };
  const r = await run(t, o);
  if (!r) return;
  t.regex(r.s.client.console(), /DT-PPPD rcvd \[LCP ConfAck id=0x\w+ <asyncmap 0xa0000>/, 'the ACCM with 0x11 and 0x13 agreed');
  t.true(r.f.intact, 'download intact');
  t.is(r.post[3], r.s.image.sha256['plus.bin'], 'upload intact');
  t.false(r.s.rig.log.some((l) => /online → online-command/.test(l)), 'no escape to command mode');
});
