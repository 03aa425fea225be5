/**
 * The Internet line with real programs at both ends, through the daemon as `npm start` runs it: picocom (in tmux)
 * as the DTE, and a real telnet server (inetutils-telnetd, test/helpers/telnetd.ts) on loopback whose login
 * program prints a banner and echoes. Dialled by name (localhost:port), by address and by a phone-book number.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../helpers/daemon.ts';
import { loginScript, startTelnetd, TELNETD } from '../helpers/telnetd.ts';
import { sleep } from './rig.ts';

const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

class Tmux {
  private readonly socket = `dialtone-inetp-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  constructor(command: string) {
    this.tmux('new-session', '-d', '-s', 'term', '-x', '100', '-y', '40', command);
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
  keys(text: string, enter = true): void {
    this.tmux('send-keys', '-t', 'term', '-l', text);
    if (enter) this.tmux('send-keys', '-t', 'term', 'C-m');
  }
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'term', '-S', '-300');
  }
  async waitScreen(pattern: RegExp, ms = 30_000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const s = this.screen();
      if (pattern.test(s)) return s;
      if (Date.now() - t0 > ms) throw new Error(`screen never matched ${String(pattern)}:\n${s}`);
      await sleep(50);
    }
  }
  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // gone already
    }
  }
}

test.serial('picocom dials a real telnetd by name, by address and by a phone-book number: banner, echo, +++, ATH each time', async (t) => {
  if (!TELNETD) return t.fail('telnetd (Debian package inetutils-telnetd) is not installed: run npm run setup:test');
  if (!has('tmux') || !has('picocom')) return t.fail('tmux and picocom (Debian packages) are not installed: run npm run setup:test');
  t.timeout(3 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-bbs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const login = loginScript(join(dir, 'bbs'), `printf 'Welcome to the loopback BBS\\r\\n'\nstty raw -echo\nexec cat`);
  const server = await startTelnetd(t, login);
  const d = await startDaemon({ config: { internet: { phonebook: { '5558000': { host: '127.0.0.1', port: server.port } } } } });
  t.teardown(d.stop);
  await d.term.close();
  const term = new Tmux(`picocom -q -b 9600 ${d.link}`);
  t.teardown(() => term.kill());
  await sleep(300);
  term.keys('AT&F&C1&D2X4');
  await term.waitScreen(/OK/);
  let calls = 0;
  for (const dial of [`ATDT localhost:${server.port}`, `ATDT 127.0.0.1:${server.port}`, 'ATDT5558000']) {
    calls++;
    term.keys(dial);
    await term.waitScreen(new RegExp(`(CONNECT 115200[\\s\\S]*){${calls}}`));
    await term.waitScreen(new RegExp(`(Welcome to the loopback BBS[\\s\\S]*){${calls}}`));
    term.keys(`echo test ${calls}`, false);
    await term.waitScreen(new RegExp(`echo test ${calls}`));
    await sleep(1200);
    term.keys('+++', false);
    await sleep(1200);
    term.keys('ATH');
    await term.waitScreen(new RegExp(`(ATH\\s*\\n\\s*OK[\\s\\S]*){${calls}}`));
  }
  t.is(server.calls, 3);
  t.log(term.screen().trimEnd());
});

test.serial('line.backend internet alone: a phone-book number and host:port connect, other digits are NO DIALTONE', async (t) => {
  const server = createServer((s) => void setTimeout(() => s.end('hi\r\n'), 600));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const d = await startDaemon({
    config: { line: { backend: 'internet' }, internet: { telnet: false, phonebook: { '5558000': { host: '127.0.0.1', port } } } },
  });
  t.teardown(d.stop);
  await d.term.write('ATDT5551000\r');
  await d.term.waitFor('NO DIALTONE\r\n', 20_000);
  await d.waitForLog('5551000 is not in internet.phonebook, and there is no telephone line', 5000);
  for (const dial of ['ATDT5558000', `ATDT127.0.0.1:${port}`]) {
    await d.term.write(`${dial}\r`);
    await d.term.waitFor('CONNECT 115200\r\n', 20_000);
    // The host says hi and hangs up, after the answer window.
    t.is(await d.term.waitFor('hi\r\n', 20_000), 'hi\r\n');
    await d.term.waitFor('NO CARRIER\r\n', 20_000);
  }
});
