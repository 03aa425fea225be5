/**
 * Acceptance (issue 18): C-Kermit's stock `hayes-2400` dialer, with no init string of our own, dials the
 * simulated exchange's numbers on a daemon with the default configuration and connects at the number's rate:
 * 5552400 at 2400, 5551000 at 300. Kermit runs a command file, non-interactively; its `exit` closes the port, which
 * hangs the call up (DTR off, &D2).
 *
 * It rests on the factory profile (calling automode, V.22bis down to Bell 103): with V.21 as the factory carrier the
 * 5552400 dial gives NO CARRIER. It sets nothing itself on purpose: the stock dialer sends ATQ0 and ATD, nothing else.
 */
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../helpers/daemon.ts';

const hasKermit = (): boolean => {
  try {
    execFileSync('sh', ['-c', 'command -v kermit'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** A C-Kermit command file: the stock hayes-2400 modem type, the daemon's port, dial, report the modem's result. */
const script = (line: string, number: string): string => `set line ${line}
if fail exit 3 cannot open ${line}
set speed 9600
set flow none
set carrier-watch off
set modem type hayes-2400
set dial timeout 120
dial ${number}
if fail exit 1 DIAL FAILED: \\v(dialresult)
echo DIALRESULT: \\v(dialresult)
exit 0
`;

function kermit(file: string, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('kermit', [file, '-Y'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test.serial("C-Kermit's stock hayes-2400 dialer: 5552400 connects at 2400 and 5551000 at 300, with the daemon's defaults", async (t) => {
  if (!hasKermit()) return t.fail('C-Kermit (Debian package ckermit) is not installed: run npm run setup:test');
  t.timeout(10 * 60_000);
  const d = await startDaemon();
  t.teardown(d.stop);
  await d.term.close(); // Kermit is the terminal program
  let calls = 1;
  for (const [number, rate] of [
    ['5552400', 2400],
    ['5551000', 300],
  ] as const) {
    const file = join(d.dir, `dial-${number}.ksc`);
    writeFileSync(file, script(d.link, number));
    const k = await kermit(file, d.dir);
    t.log(`kermit dial ${number}: exit ${k.code}; ${k.out.trim().split('\n').slice(-3).join(' | ')}`);
    t.is(k.code, 0, `${number}: ${k.out}\n${d.log().slice(-3000)}`);
    t.regex(k.out, new RegExp(`DIALRESULT: CONNECT ${rate}\\b`), number);
    // Kermit's exit closed the port: the call is over before the next dial.
    const hangups = (): number => d.log().split('modem: DTR off (&D2)').length - 1;
    const t0 = Date.now();
    while (hangups() < calls && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
    t.is(hangups(), calls++, 'the call ended with DTR off');
  }
});
