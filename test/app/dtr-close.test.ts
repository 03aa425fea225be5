/**
 * On the pseudo-terminal, the terminal program closing the port is the DTE dropping DTR (the daemon holds no slave
 * descriptor, so the master sees the last close): the modem acts per &D. &D2 hangs up, &D0 keeps the call, &D3 hangs
 * up and restores the stored profile; the next program to open the port finds a modem that answers AT, with nothing
 * left over from the last one. Then the same with picocom on a call between two daemons: the far one sees the
 * carrier go.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { openTerminal, startDaemon } from '../helpers/daemon.ts';
import { Terminal } from '../helpers/terminal.ts';
import { bridgeRoute, BRIDGE_NUMBER } from '../interop/file-transfer.ts';
import { connectEcho, rig, sleep, until } from './rig.ts';

test('&D2: the terminal closing the port in a call hangs up; the next terminal gets OK to AT and nothing stale', async (t) => {
  const { term, modem, port, link } = await rig(t);
  t.true(port.lines.get('DTR'), 'a terminal has the port open: DTR on');
  await connectEcho(term, '&D2');
  await term.write('still here');
  await term.waitFor('still here');
  await term.close();
  await until(() => modem.state === 'command', 10_000, 'hang-up on the close');
  t.false(port.lines.get('DTR'));
  t.is(modem.lastCall?.result, 'DTR');
  const next = await Terminal.open(link);
  t.teardown(() => next.close());
  await next.write('AT\r');
  t.is(await next.waitFor('OK\r\n', 10_000), 'AT\r\r\nOK\r\n', 'the answer to AT and nothing before it');
  t.true(port.lines.get('DTR'));
});

test('&D0: the call stays up while no terminal has the port; the next one is back in data mode', async (t) => {
  const { term, modem, link } = await rig(t);
  await connectEcho(term, '&D0');
  await term.close();
  await sleep(500); // well past S25 (50 ms)
  t.is(modem.state, 'online');
  const next = await Terminal.open(link);
  t.teardown(() => next.close());
  await next.write('back again');
  await next.waitFor('back again', 30_000);
  t.is(modem.state, 'online');
});

test('&D3: the close hangs up and restores the stored profile', async (t) => {
  const { term, modem, link } = await rig(t);
  await term.write('ATS7=45\r');
  await term.waitFor('OK\r\n');
  await connectEcho(term, '&D3');
  await term.close();
  await until(() => modem.state === 'command', 10_000, 'hang-up on the close');
  const next = await Terminal.open(link);
  t.teardown(() => next.close());
  await next.write('ATS7?\r');
  t.regex(await next.waitFor('OK\r\n', 10_000), /\b0(50|60)\r\n/, 'S7 from the stored profile, not the 45 set before');
});

const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

test.serial('picocom dials a second daemon and exits: the call hangs up, the far daemon says NO CARRIER, AT answers again', async (t) => {
  if (!has('tmux') || !has('picocom')) return t.fail('tmux and picocom (Debian packages) are not installed: run npm run setup:test');
  t.timeout(180_000);
  const b = await startDaemon({ config: { modem: { modulation: 'v21' } } });
  t.teardown(b.stop);
  const a = await startDaemon({ config: { modem: { modulation: 'v21' }, exchange: { numbers: bridgeRoute(b.socket, `${b.dir}/frames`) } } });
  t.teardown(a.stop);
  await b.term.write('ATS0=1\r');
  await b.term.waitFor('OK\r\n', 10_000);
  await a.term.close(); // picocom is A's terminal
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', `dialtone-dtr-${process.pid}`, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', `picocom -q -b 9600 ${a.link}`);
  t.teardown(() => {
    try {
      tmux('kill-server');
    } catch {
      /* already gone */
    }
  });
  const screen = async (pattern: RegExp, ms: number): Promise<string> => {
    const t0 = Date.now();
    for (;;) {
      const s = tmux('capture-pane', '-p', '-t', 'term');
      if (pattern.test(s)) return s;
      if (Date.now() - t0 > ms) throw new Error(`picocom's screen never matched ${String(pattern)}:\n${s}`);
      await sleep(50);
    }
  };
  await sleep(300);
  tmux('send-keys', '-t', 'term', '-l', 'AT&D2DT' + BRIDGE_NUMBER);
  tmux('send-keys', '-t', 'term', 'C-m');
  await screen(/CONNECT 300/, 120_000);
  await b.term.waitFor('CONNECT 300\r\n', 60_000);
  tmux('send-keys', '-t', 'term', 'C-a', 'C-x'); // picocom's exit
  await b.term.waitFor('NO CARRIER\r\n', 60_000);
  t.regex(await a.waitForLog('the terminal closed the port (DTR off)', 10_000), /modem: DTR off \(&D2\)/);
  const next = await openTerminal(a.link);
  t.teardown(() => next.close());
  await next.write('AT\r');
  t.regex(await next.waitFor('OK\r\n', 10_000), /OK\r\n$/);
});
