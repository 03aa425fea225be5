/**
 * How a dial-up call ends, with Debian's pppd at both ends (issue 21). The client VM's serial port is Dialtone's
 * pseudo-terminal, which carries no modem control lines: the guest sees neither DCD nor the effect of its own DTR
 * (qemu's serial port on a pty reports no lines), so the client's pppd runs `local` and learns of a dropped call from
 * LCP echo; DTR is dropped here through Dialtone's simulated control lines, as a cable's DTR would be.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { startPppSession } from './ppp-session.ts';
import type { PppSessionOptions } from './ppp-session.ts';

const ECHO = 'lcp-echo-interval,1,lcp-echo-failure,3';

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

test.serial('the DTE ends the call: pppd terminates LCP, its disconnect script sends +++ and ATH0, Dialtone hangs up', async (t) => {
  const s = await session(t, { modulation: 'v22bis', pings: 2, interval: 0.5, hangup: 'ath' });
  if (!s) return;
  await s.client.waitFor(/DT-PPPD-ENDED/, 600_000);
  const text = s.client.console();
  t.regex(text, /DT-PPPD Connection terminated\./);
  t.regex(text, /DT-PPPD send \(ATH0\^M\)[\s\S]*-- got it/, 'ATH0 answered OK');
  await s.server!.waitFor(/DT-SPPPD LCP terminated by peer/, 30_000);
  t.true(s.rig.log.some((l) => /modem: online-command → command/.test(l)), 'Dialtone hung up from online command mode');
  t.is(s.rig.modem.state, 'command');
});

test.serial('DTR drop (&D2) hangs up; both pppds see the link go (no LCP echo replies) and end', async (t) => {
  const s = await session(t, { modulation: 'v22bis', pings: 2, interval: 0.5, end: 'wait', clientOpts: ECHO, serverOpts: ECHO });
  if (!s) return;
  await s.client.waitFor(/DT-WAITING/, 600_000);
  s.rig.port.lines.setDte('DTR', false);
  await s.client.waitFor(/DT-PPPD-ENDED/, 120_000);
  t.regex(s.client.console(), /DT-PPPD No response to 3 echo-requests/);
  t.regex(s.client.console(), /DT-PPPD Serial link appears to be disconnected\./);
  t.true(s.rig.log.some((l) => /DTR/.test(l)), 'Dialtone logged the DTR drop');
  await s.server!.waitFor(/DT-SPPPD Serial link appears to be disconnected\./, 120_000);
});

test.serial('the far end hangs up: its pppd terminates LCP (connect time over), the answering modem drops the call', async (t) => {
  const s = await session(t, { modulation: 'v22bis', pings: 2, interval: 0.5, end: 'wait', serverOpts: 'maxconnect,40', serverOnce: true });
  if (!s) return;
  await s.client.waitFor(/DT-PPPD-ENDED/, 600_000);
  t.regex(s.client.console(), /DT-PPPD LCP terminated by peer/);
  t.regex(s.client.console(), /DT-PPPD Connection terminated\./);
  t.regex(s.server!.console(), /DT-SPPPD Connect time expired/);
  // The server VM powers off, its socket closes, the program behind the answering modem exits: the line drops.
  const t0 = Date.now();
  while (!s.rig.log.some((l) => /modem: online → command/.test(l)) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
  t.true(s.rig.log.some((l) => /program host: .* exited/.test(l)), 'the program host ended');
  t.true(s.rig.log.some((l) => /modem: online → command/.test(l)), 'Dialtone saw the carrier go (NO CARRIER)');
});
