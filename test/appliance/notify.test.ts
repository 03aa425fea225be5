import test from 'ava';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SystemdNotifier } from '../../firmware-app/service/notify.ts';
import { Terminal } from '../helpers/terminal.ts';
import { datagramReceiver, startTestDaemon, tempDir, until } from './helpers.ts';

const WATCHDOG_USEC = 400_000; // pings every 200 ms

test('sd_notify: READY, STATUS, WATCHDOG and STOPPING arrive in order; WATCHDOG stops while the audio clock is frozen', async (t) => {
  const dir = tempDir('notify');
  const rx = await datagramReceiver(join(dir, 'notify.sock'));
  // 5557000 answers with a program that never sends a frame: the call's audio clock freezes after the answer.
  const d = startTestDaemon({
    env: { NOTIFY_SOCKET: rx.path, WATCHDOG_USEC: String(WATCHDOG_USEC) },
    config: { watchdog: { maxClockStallMs: 300 }, exchange: { answerAfterRings: 1, numbers: { '5557000': { kind: 'program', command: 'exec sleep 600' } } } },
  });
  t.teardown(async () => {
    await d.stop();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.ready;
  const texts = (): string[] => rx.messages.map((m) => m.text);
  const after = (i: number, pred: (s: string) => boolean): number => texts().findIndex((s, j) => j > i && pred(s));
  await until(
    () => texts().filter((s) => s === 'WATCHDOG=1').length >= 3,
    5000,
    () => `three WATCHDOG=1, got ${JSON.stringify(texts())}`,
  );
  t.regex(texts()[0], /^READY=1\nSTATUS=command on \/dev\/pts\/\d+$/, 'READY=1 comes first, with the state');

  const term = await Terminal.open(d.link);
  t.teardown(() => term.close());
  await term.write('ATDT5557000\r');
  const handshake = await until(
    () => {
      const i = after(0, (s) => s.startsWith('STATUS=handshake'));
      return i >= 0 ? i : null;
    },
    20_000,
    () => `STATUS=handshake, got ${JSON.stringify(texts())}\n${d.log()}`,
  );
  t.true(after(0, (s) => s.startsWith('STATUS=dialing')) < handshake, 'STATUS follows the modem through dialling to the handshake');
  const frozenAt = rx.messages[handshake].at;
  await new Promise((r) => setTimeout(r, 1500));
  const late = rx.messages.filter((m) => m.text === 'WATCHDOG=1' && m.at > frozenAt + 300 + WATCHDOG_USEC / 1000);
  t.deepEqual(late, [], 'no WATCHDOG=1 once the frozen clock has been noticed');
  t.regex(d.log(), /watchdog: unhealthy, not pinging: audio clock stalled/);

  // A key from the DTE abandons the call; back in command mode the idle clock is healthy and pings resume.
  const abandoned = rx.messages.length;
  await term.write('x');
  await until(
    () => after(abandoned - 1, (s) => s === 'WATCHDOG=1') >= 0,
    3000,
    () => `WATCHDOG=1 after the hang-up, got ${JSON.stringify(texts().slice(abandoned))}`,
  );
  t.true(after(abandoned - 1, (s) => s.startsWith('STATUS=command')) >= 0);

  d.child.kill('SIGTERM');
  t.is(await d.exited, 0);
  await until(
    () => texts().at(-1)?.startsWith('STOPPING=1'),
    2000,
    () => `STOPPING=1 last, got ${JSON.stringify(texts().slice(-3))}`,
  );
  t.is(texts().filter((s) => s.startsWith('READY=1')).length, 1);
});

test('sd_notify: without NOTIFY_SOCKET nothing is sent and the daemon runs as before', async (t) => {
  const d = startTestDaemon({});
  t.teardown(d.stop);
  await d.ready;
  t.notRegex(d.log(), /sd_notify/);
});

test('sd_notify: the watchdog period follows WATCHDOG_USEC and WATCHDOG_PID as sd_watchdog_enabled does', (t) => {
  t.is(SystemdNotifier.watchdogMs({ WATCHDOG_USEC: '20000000' }), 20_000);
  t.is(SystemdNotifier.watchdogMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: String(process.pid) }), 20_000);
  t.is(SystemdNotifier.watchdogMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '1' }), null);
  t.is(SystemdNotifier.watchdogMs({}), null);
  t.is(SystemdNotifier.watchdogMs({ WATCHDOG_USEC: '0' }), null);
});

test('sd_notify: an abstract or relative NOTIFY_SOCKET is refused with a log line, not an exception', (t) => {
  const lines: string[] = [];
  t.is(
    SystemdNotifier.fromEnv({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, (l) => lines.push(l)),
    null,
  );
  t.is(
    SystemdNotifier.fromEnv({ NOTIFY_SOCKET: 'run/notify' }, (l) => lines.push(l)),
    null,
  );
  t.is(lines.length, 2);
});

test('sd_notify: a socket nobody listens on is logged once, never thrown', async (t) => {
  const lines: string[] = [];
  const n = SystemdNotifier.fromEnv({ NOTIFY_SOCKET: '/nonexistent/notify' }, (l) => lines.push(l))!;
  n.ready('x');
  n.watchdog();
  n.stopping();
  await new Promise((r) => setTimeout(r, 50));
  n.close();
  t.is(lines.length, 1);
  t.regex(lines[0], /cannot send to \/nonexistent\/notify/);
});
