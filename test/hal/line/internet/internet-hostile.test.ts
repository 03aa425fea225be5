/**
 * Bad input on the Internet line: hostile hosts (endless option negotiation, IAC floods, a connection that opens
 * and closes at once) and bad dial strings (a 10,000-character host name, control characters, ports out of range).
 * Each is a result code and a log line, never a crash or a stuck modem: after each the modem still answers AT.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { Socket } from 'node:net';
import { DO, IAC, NOP, WILL, WONT } from '../../../../hal/line/internet/telnet-options.ts';
import { echoHost, internetRig, sleep, tcpHost } from './internet-rig.ts';

type Rig = Awaited<ReturnType<typeof internetRig>>;

async function stillAnswers(t: ExecutionContext, r: Rig): Promise<void> {
  await r.term.write('AT\r');
  await r.term.waitFor('OK\r\n', 5000);
  t.is(r.modem.state, 'command');
}

async function hangUp(r: Rig): Promise<void> {
  await sleep(1200);
  await r.term.write('+++');
  await r.term.waitFor('OK\r\n', 10_000);
  await r.term.write('ATH\r');
  await r.term.waitFor('OK\r\n', 10_000);
}

/** Write `chunk` as fast as the socket takes it until the socket closes. */
function flood(s: Socket, chunk: Uint8Array): void {
  const more = (): void => {
    while (!s.destroyed && s.write(chunk));
  };
  s.on('drain', more);
  more();
}

test.serial('a host that negotiates options endlessly: CONNECT, data still flows, the flood is logged, ATH hangs up', async (t) => {
  // WILL ECHO, WONT ECHO, ... (each answered while it lasts), and DO for options nobody has (each refused).
  const toggles = new Uint8Array(6 * 2000);
  for (let i = 0; i < 2000; i++) toggles.set([IAC, i % 2 ? WONT : WILL, 1, IAC, DO, 200 + (i % 50)], i * 6);
  const host = await tcpHost(t, (s) => {
    flood(s, toggles);
    s.on('data', () => {});
  });
  const r = await internetRig(t);
  await r.term.write(`ATDT127.0.0.1:${host.port}\r`);
  await r.term.waitFor('CONNECT 115200\r\n', 10_000);
  await r.waitLog(/telnet: the host keeps negotiating options/);
  await hangUp(r);
  await stillAnswers(t, r);
});

test.serial('an IAC NOP flood: no data reaches the DTE, what the DTE types still reaches the host, ATH hangs up', async (t) => {
  const nops = new Uint8Array(65536);
  for (let i = 0; i < nops.length; i += 2) nops.set([IAC, NOP], i);
  let heard = '';
  const host = await tcpHost(t, (s) => {
    flood(s, nops);
    s.on('data', (d) => (heard += d.toString('latin1')));
  });
  const r = await internetRig(t);
  await r.term.write(`ATDT127.0.0.1:${host.port}\r`);
  await r.term.waitFor('CONNECT 115200\r\n', 10_000);
  await r.term.write('typed through the flood');
  const t0 = Date.now();
  while (!heard.includes('typed through the flood') && Date.now() - t0 < 10_000) await sleep(20);
  t.true(heard.includes('typed through the flood'));
  t.is(r.term.buffer, '', 'no byte of the flood reached the DTE');
  await hangUp(r);
  await stillAnswers(t, r);
});

test.serial('a connection that opens and closes at once, ten times over: NO CARRIER each time', async (t) => {
  const host = await tcpHost(t, (s) => s.destroy());
  const r = await internetRig(t);
  for (let i = 0; i < 10; i++) {
    await r.term.write(`ATDT127.0.0.1:${host.port}\r`);
    await r.term.waitFor('NO CARRIER\r\n', 10_000);
  }
  t.is(r.log.filter((l) => l.endsWith('hung up at once')).length, 10);
  await stillAnswers(t, r);
});

test.serial(
  'a 10,000-character host name is ERROR (the command line is too long); a label of 64 characters is NO CARRIER with the reason logged',
  async (t) => {
    const r = await internetRig(t);
    await r.term.write(`ATDT${'a'.repeat(10_000)}.example\r`);
    await r.term.waitFor('ERROR\r\n', 10_000);
    await r.term.write(`ATDT${'b'.repeat(64)}.example:23\r`);
    await r.term.waitFor('NO CARRIER\r\n', 10_000);
    await r.waitLog(/internet: cannot dial: "b{64}…" is not a host name \(RFC 1123\)/);
    await stillAnswers(t, r);
  },
);

test.serial('control characters in a dial string never reach the line; a quoted host with a space or a quote left open is ERROR', async (t) => {
  const host = await tcpHost(t, echoHost());
  const r = await internetRig(t, { config: { internet: { telnet: false } } });
  await r.term.write(`ATDT127.0.\x07\x1b0.1:${host.port}\x00\r`);
  await r.term.waitFor('CONNECT 115200\r\n', 10_000);
  t.true(r.log.some((l) => l === `internet: calling 127.0.0.1:${host.port} (raw TCP)`));
  await hangUp(r);
  for (const bad of ['ATD"bbs .example"', 'ATD"bbs.example', 'ATD"a;b"', 'ATDTbbs.example;']) {
    await r.term.write(`${bad}\r`);
    await r.term.waitFor(/ERROR\r\n/, 5000);
  }
  await stillAnswers(t, r);
});

test.serial('ports out of range (0, 65536, 99999999) and not numbers: NO CARRIER and the reason in the log', async (t) => {
  const r = await internetRig(t);
  for (const [port, why] of [
    ['0', 'port 0 is out of range'],
    ['65536', 'port 65536 is out of range'],
    ['99999999', 'port "99999999" is not a number'],
    ['2x3', 'port "2x3" is not a number'],
  ]) {
    await r.term.write(`ATDT127.0.0.1:${port}\r`);
    await r.term.waitFor('NO CARRIER\r\n', 10_000);
    await r.waitLog(new RegExp(`internet: cannot dial: ${why.replace(/[()]/g, '\\$&')}`));
  }
  await stillAnswers(t, r);
});
