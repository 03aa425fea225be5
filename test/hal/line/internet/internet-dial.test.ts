/**
 * Dialling the Internet from the modem on a real pseudo-terminal: host:port, quoted hosts, the phone book, &Z
 * numbers, digits still going to the telephone exchange; the result codes of refused, busy and vanishing hosts
 * and of name-service failure; speed emulation; and the data mode (+++, ATO, ATH, DCD) as on a phone call.
 */
import test from 'ava';
import { closedPort, echoHost, internetRig, sleep, tcpHost } from './internet-rig.ts';

test.serial('ATDT 127.0.0.1:port (raw TCP): CONNECT, bytes both ways exactly, DCD; +++ OK, ATO CONNECT, ATH OK and the host sees the hang-up', async (t) => {
  const host = await tcpHost(t, echoHost());
  const r = await internetRig(t);
  let leds = { CD: false, OH: false, HS: false, RD: false, SD: false };
  const lit = { RD: false, SD: false };
  r.modem.events.on('leds', (l) => {
    leds = { ...l };
    lit.RD ||= l.RD;
    lit.SD ||= l.SD;
  });
  await r.term.write('ATE0#TELNET=0\r');
  await r.term.waitFor('OK\r\n');
  await r.term.write(`ATDT 127.0.0.1:${host.port}\r`);
  t.is(await r.term.waitFor(/CONNECT[^\r]*\r\n/, 10_000), '\r\nCONNECT 115200\r\n');
  await r.term.waitFor('hello from the host\r\n', 10_000);
  t.is(r.modem.state, 'online');
  t.true(r.modem.dcd, 'DCD on while connected');
  t.like(leds, { CD: true, OH: true, HS: true }, 'the front panel as on a phone call');
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== 0x2b)); // every byte but the escape character
  await r.term.write(all);
  await r.term.waitFor(all.toString('latin1'), 10_000);
  await sleep(1200);
  await r.term.write('+++');
  await r.term.waitFor('OK\r\n', 5000);
  t.is(r.modem.state, 'online-command');
  await r.term.write('ATO\r');
  await r.term.waitFor('CONNECT 115200\r\n', 5000);
  await r.term.write('still here');
  await r.term.waitFor('still here', 5000);
  await sleep(1200);
  await r.term.write('+++');
  await r.term.waitFor('OK\r\n', 5000);
  const closed = new Promise<void>((res) => host.sockets[0].once('close', () => res()));
  await r.term.write('ATH\r');
  await r.term.waitFor('OK\r\n', 5000);
  await closed;
  t.is(r.modem.state, 'command');
  t.false(r.modem.dcd);
  t.like(leds, { CD: false, OH: false });
  t.deepEqual(lit, { RD: true, SD: true }, 'RD and SD blinked with the data');
});

test.serial(
  'ATD"localhost:port" (quoted, by name), AT&Z0=host:port and ATDS0, and a phone-book number all reach the host; other digits still reach the exchange',
  async (t) => {
    const host = await tcpHost(t, echoHost());
    const r = await internetRig(t, { config: { internet: { telnet: false, phonebook: { '5558000': { host: '127.0.0.1', port: host.port } } } } });
    const call = async (cmd: string): Promise<void> => {
      await r.term.write(`${cmd}\r`);
      await r.term.waitFor(/CONNECT 115200\r\n/, 10_000);
      await r.term.waitFor('hello from the host', 10_000);
      await sleep(1200);
      await r.term.write('+++');
      await r.term.waitFor('OK\r\n', 5000);
      await r.term.write('ATH\r');
      await r.term.waitFor('OK\r\n', 5000);
    };
    await call(`ATD"localhost:${host.port}"`);
    await call('ATDT5558000');
    t.true(r.log.includes(`internet: 5558000 is 127.0.0.1:${host.port} in the phone book`));
    await r.term.write(`AT&Z0=127.0.0.1:${host.port}\r`);
    await r.term.waitFor('OK\r\n');
    await call('ATDS0');
    await call('ATDL');
    t.is(host.sockets.length, 4);
    await r.term.write('ATDT5552000\r');
    await r.term.waitFor('BUSY\r\n', 30_000);
    t.true(r.log.some((l) => l.includes('exchange: call to 5552000 → busy')));
  },
);

test.serial('a refused connection is NO CARRIER at once, with a log line', async (t) => {
  const port = await closedPort();
  const r = await internetRig(t);
  const t0 = Date.now();
  await r.term.write(`ATDT127.0.0.1:${port}\r`);
  await r.term.waitFor('NO CARRIER\r\n', 10_000);
  t.true(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
  await r.waitLog(new RegExp(`127\\.0\\.0\\.1:${port} \\(127\\.0\\.0\\.1\\): connection refused`));
  t.is(r.modem.state, 'command');
});

test.serial('name service: a name that does not resolve is NO DIALTONE with a log line (X4), NO CARRIER at X3', async (t) => {
  const r = await internetRig(t, { lookup: (h) => Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' })) });
  await r.term.write('ATDTnosuch.invalid\r');
  await r.term.waitFor('NO DIALTONE\r\n', 10_000);
  await r.waitLog(/internet: cannot resolve nosuch\.invalid: no such host \(ENOTFOUND\)/);
  await r.term.write('ATX3DTnosuch.invalid:23\r');
  await r.term.waitFor('NO CARRIER\r\n', 10_000);
  t.is(r.modem.state, 'command');
});

test.serial('a host that answers "busy" and hangs up is BUSY; one that hangs up at once without a word is NO CARRIER', async (t) => {
  const busy = await tcpHost(t, (s) => s.end('All lines are BUSY, try later.\r\n'));
  const gone = await tcpHost(t, (s) => s.destroy());
  const r = await internetRig(t);
  await r.term.write(`ATDT127.0.0.1:${busy.port}\r`);
  await r.term.waitFor('BUSY\r\n', 10_000);
  await r.waitLog(/hung up at once, saying it is busy: "All lines are BUSY/);
  await r.term.write(`ATDT127.0.0.1:${gone.port}\r`);
  await r.term.waitFor('NO CARRIER\r\n', 10_000);
  await r.waitLog(new RegExp(`127\\.0\\.0\\.1:${gone.port} hung up at once$`));
  t.is(r.modem.state, 'command');
});

test.serial('no answer within S7 (a name that never resolves): NO CARRIER after S7 seconds of wall time, even on the fast clock', async (t) => {
  const r = await internetRig(t, { lookup: () => new Promise(() => {}) });
  await r.term.write('ATS7=2\r');
  await r.term.waitFor('OK\r\n');
  const t0 = Date.now();
  await r.term.write('ATDTslow.example:23\r');
  await r.term.waitFor('NO CARRIER\r\n', 10_000);
  const s = (Date.now() - t0) / 1000;
  t.true(s >= 1.9 && s < 5, `${s.toFixed(2)} s`);
  t.is(r.modem.state, 'command');
});

test.serial('the host closing mid-call: what it sent reaches the DTE, then NO CARRIER', async (t) => {
  const host = await tcpHost(t, (s) => {
    s.write('x'.repeat(20000));
    setTimeout(() => s.end('goodbye\r\n'), 400);
  });
  const r = await internetRig(t, { config: { internet: { telnet: false } } });
  await r.term.write(`ATDT127.0.0.1:${host.port}\r`);
  await r.term.waitFor('CONNECT 115200\r\n', 10_000);
  const text = await r.term.waitFor('NO CARRIER\r\n', 10_000);
  t.is(text.split('x').length - 1, 20000);
  t.true(text.includes('goodbye\r\n'));
});

test.serial('speed emulation: AT#SPEED=2400 → CONNECT 2400, and 1200 characters take 5 s (10 bits each); AT#SPEED? AT#SPEED=? AT#SPEED=50 ERROR', async (t) => {
  const host = await tcpHost(t, (s) => s.on('data', () => s.write('y'.repeat(1200))));
  const r = await internetRig(t, { config: { internet: { telnet: false } } });
  await r.term.write('AT#SPEED=2400\r');
  await r.term.waitFor('OK\r\n');
  await r.term.write('AT#SPEED?\r');
  t.regex(await r.term.waitFor('OK\r\n'), /2400\r\n/);
  await r.term.write('AT#SPEED=?\r');
  t.regex(await r.term.waitFor('OK\r\n'), /#SPEED: \(0,300-115200\)/);
  await r.term.write('AT#SPEED=50\r');
  await r.term.waitFor('ERROR\r\n');
  await r.term.write(`ATDT127.0.0.1:${host.port}\r`);
  await r.term.waitFor('CONNECT 2400\r\n', 10_000);
  await r.term.write('go');
  const t0 = Date.now();
  await r.term.waitFor('y'.repeat(1200), 20_000);
  const s = (Date.now() - t0) / 1000;
  t.log(`1200 characters at 2400 bit/s: ${s.toFixed(2)} s (nominal 5.0 s)`);
  t.true(s > 4.5 && s < 7, `${s.toFixed(2)} s`);
});
