import test from 'ava';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { mulberry32 } from '../helpers/random.ts';
import { rig } from './rig.ts';

test.serial('dial the echo number, CONNECT 300, 1 KiB of text comes back intact, +++ and ATH', async (t) => {
  const { term } = await rig(t);
  await term.write('AT\r');
  t.regex(await term.waitFor('OK\r\n'), /AT\r\r\nOK\r\n$/);
  await term.write('ATDT5551000\r');
  t.regex(await term.waitFor(/CONNECT 300\r\n/), /\r\nCONNECT 300\r\n$/);
  await term.waitFor(ECHO_BANNER);
  const r = mulberry32(5);
  let text = '';
  while (text.length < 1024) text += String.fromCharCode(32 + Math.floor(r() * 95));
  await term.write(text);
  const echoed = await term.waitFor(text.slice(-40), 120000);
  t.is(echoed, text);
  await new Promise((res) => setTimeout(res, 1100)); // S12 guard time before +++
  await term.write('+++');
  // The escape characters went to the line too, so the echo host may send them back before OK.
  t.regex(await term.waitFor('OK\r\n', 5000), /^(\+\+\+)?\r\nOK\r\n$/);
  await term.write('ATH\r');
  t.regex(await term.waitFor('OK\r\n'), /ATH\r\r\nOK\r\n$/);
});

test('the busy number answers BUSY; the unanswered one NO CARRIER after S7, NO ANSWER with @', async (t) => {
  const { term } = await rig(t);
  await term.write('ATDT5552000\r');
  t.regex(await term.waitFor(/BUSY\r\n/), /\r\nBUSY\r\n$/);
  await term.write('ATS7=10DT5553000\r');
  t.regex(await term.waitFor(/NO CARRIER\r\n/), /\r\nNO CARRIER\r\n$/);
  await term.write('ATS7=10DT5553000@\r');
  t.regex(await term.waitFor(/NO ANSWER\r\n/), /\r\nNO ANSWER\r\n$/);
});

test('numeric result codes with ATV0, quiet with ATQ1', async (t) => {
  const { term } = await rig(t);
  await term.write('ATE0\r');
  await term.waitFor('OK\r\n');
  await term.write('ATV0\r');
  t.is(await term.waitFor('0\r'), '0\r');
  await term.write('ATDT5552000\r');
  t.is(await term.waitFor('7\r'), '7\r');
  await term.write('ATQ1\r');
  await term.write('ATV1Q0\r');
  t.is(await term.waitFor('OK\r\n'), '\r\nOK\r\n');
});

test('10,000 random bytes as command lines: no crash, ERROR for invalid lines, the modem still answers', async (t) => {
  const { term, modem } = await rig(t);
  const r = mulberry32(99);
  let lines = 0;
  let errors = 0;
  for (let sent = 0; sent < 10000; ) {
    const len = 1 + Math.floor(r() * 60);
    const junk = Buffer.alloc(len);
    for (let i = 0; i < len; i++) {
      let b = Math.floor(r() * 256);
      if ((b & 0x7f) === 13 || (b & 0x7f) === 0x41) b = 0x5a; // keep one command per line, starting with our "AT"
      junk[i] = b;
    }
    await term.write(Buffer.concat([Buffer.from('AT'), junk, Buffer.from('\r')]));
    sent += len + 3;
    lines++;
    // The junk may have set V0 (numeric codes), Q1 (no codes) or started a call: settle, then ATZ restores.
    await new Promise((res) => setTimeout(res, 2));
    if (modem.state !== 'command') {
      await term.write('\r'); // a key aborts a call in progress
      await term.waitFor(/NO CARRIER\r\n|3\r/);
    }
    // ATZ restores factory settings; the S99 query is a marker that cannot come from the junk line.
    await term.write('ATZ&FS8=123S8?\r');
    const out = await term.waitFor('123\r\n\r\nOK\r\n', 10000);
    if (/ERROR\r\n|(^|\n)4\r/.test(out)) errors++;
  }
  t.log(`${lines} junk lines, ${errors} answered ERROR`);
  t.true(errors > lines * 0.9);
  await term.write('AT\r');
  t.regex(await term.waitFor('OK\r\n'), /OK\r\n$/);
  t.is(modem.state, 'command');
});

test('ATI, S-register query and set, A/ repeats the last line', async (t) => {
  const { term } = await rig(t);
  await term.write('ATE0\r');
  await term.waitFor('OK\r\n');
  await term.write('ATI3\r');
  t.regex(await term.waitFor('OK\r\n'), /Dialtone softmodem/);
  await term.write('ATS7=33S7?\r');
  t.regex(await term.waitFor('OK\r\n'), /033\r\n\r\nOK/);
  await term.write('ATS300=1\r');
  t.regex(await term.waitFor(/ERROR\r\n/), /ERROR/);
  await term.write('A/');
  t.regex(await term.waitFor(/ERROR\r\n/), /ERROR/);
});
