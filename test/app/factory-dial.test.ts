/**
 * Issue 18, as a new user meets the modem: the daemon with config/default.yaml as it ships (no +MS, no init string).
 * `ATZ` then a bare `ATDT` reaches every number of the simulated exchange at the answerer's own rate, as a Smartmodem
 * 2400 or a Sportster would (the bug: the factory carrier was V.21, and ATDT5552400 sat in the handshake until NO
 * CARRIER 31 s later). V.23 and Bell 202 need +MS; dialled without it the call fails and the log says what was heard.
 */
import test from 'ava';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { shellQuote, startDaemon, type Daemon } from '../helpers/daemon.ts';

/** A command's whole answer, up to its OK (waitFor returns the match). */
const PAGE = /[\s\S]*?\r\nOK\r\n/;

const NUMBERS: [string, string, number, string][] = [
  ['5552400', 'V.22bis', 2400, 'v22bis'],
  ['5552401', 'automode', 2400, 'v22bis'],
  ['5551200', 'V.22', 1200, 'v22'],
  ['5551212', 'Bell 212A', 1200, 'bell212a'],
  ['5551000', 'V.21', 300, 'v21'],
  ['5551103', 'Bell 103', 300, 'bell103'],
];

async function echoCall(d: Daemon, number: string, rate: number, init = 'Z'): Promise<string> {
  const term = d.term;
  await term.write(`AT${init}\r`);
  await term.waitFor('OK\r\n', 10_000);
  await term.write(`ATDT${number}\r`);
  const connect = await term.waitFor(/CONNECT \d+[^\r]*\r\n/, 90_000);
  await term.waitFor(ECHO_BANNER, 60_000);
  const text = `${number} at ${rate}: the quick brown fox jumps over the lazy dog.`;
  await term.write(text);
  await term.waitFor(text, 60_000);
  await new Promise((r) => setTimeout(r, 1100));
  await term.write('+++');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n', 10_000);
  return connect;
}

test("factory defaults: ATZ, then a bare ATDT to each exchange number connects at the answerer's rate and echoes", async (t) => {
  const d = await startDaemon();
  t.teardown(d.stop);
  await d.term.write('AT+MS?\r');
  t.regex(await d.term.waitFor(PAGE, 10_000), /\+MS: V22B,1,300,2400/);
  for (const [number, name, rate, identity] of NUMBERS) {
    const connect = await echoCall(d, number, rate);
    t.regex(connect, new RegExp(`^CONNECT ${rate}\\b`), `${number} (${name}): ${connect.trim()}`);
    await d.waitForLog(`automode: the answerer is ${identity}`, 10_000);
    t.log(`${number} ${name}: ${connect.trim()}`);
  }
  t.is(d.log().match(/automode: the answerer is/g)?.length, NUMBERS.length);
});

test('factory defaults: V.23 without +MS fails and says why; AT+MS=V21 lasts only until ATZ; ATI6 during and after a call', async (t) => {
  const d = await startDaemon();
  t.teardown(d.stop);
  const term = d.term;
  await term.write('ATS7=12DT5551023\r');
  await term.waitFor('NO CARRIER', 60_000);
  await d.waitForLog('call ended: answer-tone-no-carrier', 10_000);
  t.regex(
    d.log(),
    /handshake failed after 12\.0 s \(S7=12\): answer tone but no carrier; heard: 2100 Hz answer tone \(V\.25\), V\.23 carrier \(1300 Hz mark; AT\+MS=V23C calls it\)/,
  );
  await term.write('ATI6\r');
  t.regex(await term.waitFor(PAGE, 10_000), /Last call[\s\S]*Disconnect reason +answer-tone-no-carrier \(answer tone but no carrier\)/);

  // An interactive session forces V.21; ATZ (what a dialling script sends first) brings automode back.
  await term.write('AT+MS=V21\r');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATDT5552400\r');
  await term.waitFor('NO CARRIER', 90_000);
  await d.waitForLog('heard: 2100 Hz answer tone (V.25), V.22 unscrambled ones', 10_000);
  await term.write('ATZ\r');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATDT5552400\r');
  await term.waitFor(/CONNECT 2400/, 90_000);
  await term.waitFor(ECHO_BANNER, 60_000);
  await new Promise((r) => setTimeout(r, 1100));
  await term.write('+++');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATI6\r');
  const during = await term.waitFor(PAGE, 10_000);
  t.regex(during, /Call in progress/);
  t.regex(during, /Number +5552400/);
  t.regex(during, /Modulation +v22bis +Rate +2400/);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATI6\r');
  t.regex(await term.waitFor(PAGE, 10_000), /Last call[\s\S]*Disconnect reason +hangup \(ATH: hung up by the DTE\)/);
});

/** An answering "modem" that picks up and sends nothing: a frame of silence for each frame heard (lock step). */
const SILENT = `let n = 0; process.stdin.on('data', (b) => { n += b.length; const f = Math.floor(n / 320); n -= f * 320; if (f) process.stdout.write(Buffer.alloc(f * 320)); });`;

test('a number that answers and sends nothing: NO CARRIER, "no-answer-tone" in the log and ATI6', async (t) => {
  const d = await startDaemon({
    config: { exchange: { numbers: { '5559000': { kind: 'program', command: `${shellQuote(process.execPath)} -e ${shellQuote(SILENT)}` } } } },
  });
  t.teardown(d.stop);
  await d.term.write('ATS7=8DT5559000\r');
  await d.term.waitFor('NO CARRIER', 60_000);
  await d.waitForLog('call ended: no-answer-tone (no answer tone)', 10_000);
  t.regex(d.log(), /handshake failed after 8\.0 s \(S7=8\): no answer tone; heard nothing from the far end/);
  await d.term.write('ATI6\r');
  t.regex(await d.term.waitFor(PAGE, 10_000), /Disconnect reason +no-answer-tone \(no answer tone\)/);
});

test('LEDs with stderr not a terminal (the journal, a log file): one "leds" log line per call state, not per lamp change', async (t) => {
  const d = await startDaemon({ config: { leds: { backend: 'terminal' } } });
  t.teardown(d.stop);
  await echoCall(d, '5551000', 300);
  await d.waitForLog('(command)\n', 10_000);
  const states = d.log().match(/modem: \S+ → \S+/g) ?? [];
  const leds = d.log().match(/ leds [^\n]*/g) ?? [];
  t.log(leds.join('\n'));
  t.true(states.length >= 5, states.join(', '));
  t.is(leds.length, states.length, 'one lamp line per state change');
  t.true(
    leds.some((l) => /\[OH\].*\(dialing\)/.test(l)),
    'off hook while dialling',
  );
  t.true(leds.some((l) => /\[CD\].*\(online\)/.test(l)));
});

test('factory automode with &Q5: V.42bis at 2400 from 5552400, and a V.21 answerer passed through at 300', async (t) => {
  const d = await startDaemon();
  t.teardown(d.stop);
  t.regex(await echoCall(d, '5552400', 2400, 'Z&Q5'), /^CONNECT 2400\/ARQ/);
  t.regex(await echoCall(d, '5551000', 300, 'Z&Q5'), /^CONNECT 300\r\n/);
});
