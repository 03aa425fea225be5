/**
 * Incoming Internet calls: a real telnet client (inetutils-telnet, in tmux) calls the listener on 127.0.0.1; the
 * DTE sees RING with the caller's address (AT+VCID=1) and answers with ATA or by S0. A second caller is told the
 * line is busy; an unanswered caller is dropped after the ring count; nothing sent before the answer reaches the
 * AT interpreter; the password prompt and the rate limit.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { internetRig, sleep } from './internet-rig.ts';

const TELNET = ['/usr/bin/inetutils-telnet', '/usr/bin/telnet'].find((p) => {
  try {
    execFileSync(p, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/** A program in a detached tmux session: keys in with send-keys, its screen with capture-pane. */
class Tmux {
  private readonly socket = `dialtone-inet-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  constructor(command: string) {
    this.tmux('new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', command);
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
  keys(text: string, enter = true): void {
    this.tmux('send-keys', '-t', 'term', '-l', text);
    if (enter) this.tmux('send-keys', '-t', 'term', 'C-m');
  }
  screen(): string {
    try {
      return this.tmux('capture-pane', '-p', '-t', 'term', '-S', '-200');
    } catch {
      return '(the session has ended)';
    }
  }
  async waitScreen(pattern: RegExp, ms = 20_000): Promise<string> {
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

const listening = (extra: Record<string, unknown> = {}) => ({ config: { internet: { listen: { enabled: true, port: 0, ...extra } } } });

/** A raw TCP caller: what it receives, and whether it was closed. */
function caller(port: number): Promise<{ socket: Socket; got: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, got: () => got, closed }));
    socket.once('error', reject);
  });
}

test.serial(
  'inetutils-telnet calls in: RING with NMBR = 127.0.0.1, ATA → CONNECT, text both ways, a second caller hears busy, ATH closes the telnet session',
  async (t) => {
    if (!TELNET) return t.fail('telnet (Debian package inetutils-telnet) is not installed: run npm run setup:test');
    const r = await internetRig(t, listening());
    await r.term.write('ATE0+VCID=1\r');
    await r.term.waitFor('OK\r\n');
    const tel = new Tmux(`${TELNET} 127.0.0.1 ${r.listenPort}; sleep 60`); // the screen stays after telnet exits
    t.teardown(() => tel.kill());
    await r.term.waitFor('RING\r\n', 20_000);
    t.regex(await r.term.waitFor('NMBR = 127.0.0.1\r\n', 10_000), /DATE = \d{4}\r\nTIME = \d{4}\r\n/);
    await r.term.write('ATA\r');
    await r.term.waitFor('CONNECT 115200\r\n', 10_000);
    await r.term.write('Welcome, caller.\r\n');
    await tel.waitScreen(/Welcome, caller\./);
    tel.keys('hello modem', false);
    await r.term.waitFor('hello modem', 10_000);
    const second = await caller(r.listenPort!);
    await second.closed;
    t.regex(second.got(), /The line is busy\. Please call again later\.\r\n/);
    await r.waitLog(/internet: call from 127\.0\.0\.1:\d+: busy \(a call is in progress\)/);
    t.is(r.modem.state, 'online');
    await sleep(1200);
    await r.term.write('+++');
    await r.term.waitFor('OK\r\n', 10_000);
    await r.term.write('ATH\r');
    await r.term.waitFor('OK\r\n', 10_000);
    await tel.waitScreen(/Connection closed by foreign host/);
  },
);

test.serial('S0=2 answers on the second ring; what the caller sent before the answer never reaches the AT interpreter', async (t) => {
  const r = await internetRig(t, listening());
  await r.term.write('ATE0S0=2\r');
  await r.term.waitFor('OK\r\n');
  const c = await caller(r.listenPort!);
  c.socket.write('ATZ\r+++ATH\rAT&F&W\rATDT5551000\r');
  await r.term.waitFor('RING\r\n', 20_000);
  await r.term.waitFor('RING\r\n', 20_000);
  await r.term.waitFor('CONNECT 115200\r\n', 10_000);
  const beforeAnswer = r.term.buffer;
  await sleep(500);
  t.is(r.term.buffer, beforeAnswer, 'nothing the caller sent before the answer was delivered');
  t.is(r.modem.at.lastDial, '', 'the caller dialled nothing');
  c.socket.write('now data\r');
  await r.term.waitFor('now data\r', 10_000);
  t.is(r.modem.state, 'online');
  c.socket.destroy();
  await r.term.waitFor('NO CARRIER\r\n', 10_000);
});

test.serial('a caller the DTE never answers is dropped after maxRings (6 s each) with "No answer."; ATA then is NO CARRIER', async (t) => {
  const r = await internetRig(t, listening({ maxRings: 1 }));
  const c = await caller(r.listenPort!);
  await r.term.waitFor('RING\r\n', 10_000);
  const t0 = Date.now();
  await c.closed;
  const s = (Date.now() - t0) / 1000;
  t.true(s > 4 && s < 9, `${s.toFixed(1)} s`);
  t.regex(c.got(), /No answer\.\r\n/);
  await r.waitLog(/not answered after 1 rings: dropped/);
  await sleep(200);
  await r.term.write('ATA\r');
  await r.term.waitFor('NO CARRIER\r\n', 5000);
  t.is(r.modem.state, 'command');
});

test.serial('password: a wrong one is refused without a RING; the right one rings; the rate limit closes the third call in a minute', async (t) => {
  const file = join(await import('node:os').then((os) => os.tmpdir()), `dialtone-inet-pw-${process.pid}`);
  writeFileSync(file, 'open sesame\n');
  chmodSync(file, 0o600);
  t.teardown(() => execFileSync('rm', ['-f', file]));
  const r = await internetRig(t, listening({ passwordFile: file, maxPerMinute: 2 }));
  const wrong = await caller(r.listenPort!);
  await sleep(200);
  t.regex(wrong.got(), /Password: $/);
  wrong.socket.write('guess\r\n');
  await wrong.closed;
  t.regex(wrong.got(), /Wrong password\.\r\n/);
  await r.waitLog(/wrong password or none given/);
  const right = await caller(r.listenPort!);
  await sleep(200);
  right.socket.write('open sesame\r\n');
  await r.term.waitFor('RING\r\n', 10_000);
  const third = await caller(r.listenPort!);
  await third.closed;
  t.is(third.got(), '');
  await r.waitLog(/refused: more than 2 calls in the last minute/);
  t.false(r.term.buffer.includes('guess'));
  right.socket.destroy();
});
