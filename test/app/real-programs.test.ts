import test from 'ava';
import type { ExecutionContext } from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rig, sleep } from './rig.ts';

const CHAT = ['/usr/sbin/chat', '/usr/bin/chat'].find((p) => existsSync(p));
const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The classic pppd dial script: chat's exit status is 0 on CONNECT, 4 + n when the n-th ABORT string fires. */
const CHAT_SCRIPT = (number: string) => `ABORT BUSY
ABORT 'NO CARRIER'
ABORT 'NO ANSWER'
TIMEOUT 60
'' ATZ
OK 'AT&F&C1&D2X4S0=0S7=60'
OK ATDT${number}
CONNECT ''
`;

async function runChat(t: ExecutionContext, link: string, dir: string, number: string): Promise<{ code: number | null; log: string }> {
  const script = join(dir, `chat-${number}`);
  writeFileSync(script, CHAT_SCRIPT(number));
  const fd = openSync(link, 'r+');
  try {
    const child = spawn(CHAT!, ['-v', '-s', '-f', script], { stdio: [fd, fd, 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    t.log(`chat ${number}: exit ${code}`);
    return { code, log };
  } finally {
    closeSync(fd);
  }
}

test.serial('pppd chat: CONNECT on the echo number, ABORT BUSY on the busy one, ABORT NO CARRIER on the unanswered one', async (t) => {
  if (!CHAT) return t.fail('chat (Debian package ppp) is not installed: run npm run setup:test');
  const { link, dir, modem } = await rig(t, { open: false });
  const ok = await runChat(t, link, dir, '5551000');
  t.is(ok.code, 0, ok.log);
  t.regex(ok.log, /CONNECT/);
  t.is(modem.state, 'online');
  modem.hangup();
  const busy = await runChat(t, link, dir, '5552000');
  t.is(busy.code, 4, busy.log); // first ABORT string
  t.regex(busy.log, /BUSY/);
  const none = await runChat(t, link, dir, '5553000');
  t.is(none.code, 5, none.log); // second ABORT string
  t.regex(none.log, /NO CARRIER/);
});

/** A terminal program on the PTY, in a detached tmux session; keys in with send-keys, the screen out with capture-pane. */
class TmuxSession {
  private readonly socket = `dialtone-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`;

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
    return this.tmux('capture-pane', '-p', '-t', 'term', '-S', '-200');
  }

  async waitScreen(pattern: RegExp, ms = 30000): Promise<string> {
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
      // already gone
    }
  }
}

test.serial('picocom in tmux: init string, dial, chat with the echo host, escape, hang-up, all on its screen', async (t) => {
  if (!has('tmux') || !has('picocom')) return t.fail('tmux and picocom (Debian packages) are not installed: run npm run setup:test');
  const { link, modem } = await rig(t, { open: false });
  const term = new TmuxSession(`picocom -q -b 9600 ${link}`);
  t.teardown(() => term.kill());
  await sleep(300);
  term.keys('AT&F&C1&D2X4S0=0S7=60');
  await term.waitScreen(/AT&F&C1&D2X4S0=0S7=60\s*\n\s*OK/);
  term.keys('ATDT5551000');
  await term.waitScreen(/CONNECT 300/);
  await term.waitScreen(/Dialtone echo host: what you type comes back\./);
  term.keys('Hello from picocom', false);
  await term.waitScreen(/Hello from picocom/);
  await sleep(1200);
  term.keys('+++', false);
  await sleep(1200);
  await term.waitScreen(/Hello from picocom[\s\S]*OK/);
  t.is(modem.state, 'online-command');
  term.keys('ATH');
  const screen = await term.waitScreen(/ATH\s*\n\s*OK/);
  t.log(screen.trimEnd());
  t.is(modem.state, 'command');
});
