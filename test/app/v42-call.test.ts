import test from 'ava';
import { rig } from './rig.ts';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { mulberry32 } from '../helpers/random.ts';

function text(n: number, seed: number): string {
  const r = mulberry32(seed);
  let s = '';
  while (s.length < n) s += String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

test('AT&Q5 ATDT5552400: CONNECT 2400/ARQ, 2 KiB echoed through LAPM + V.42bis, ATI11 counts the frames', async (t) => {
  const { term, log } = await rig(t);
  await term.write('AT&Q5+MS=V22B\r');
  await term.waitFor('OK\r\n');
  await term.write('ATDT5552400\r');
  t.regex(await term.waitFor(/CONNECT [^\r]*\r\n/, 60000), /CONNECT 2400\/ARQ\r\n$/);
  await term.waitFor(ECHO_BANNER, 30000);
  const payload = text(2048, 7);
  await term.write(payload);
  t.is(await term.waitFor(payload.slice(-40), 120000), payload);
  await new Promise((r) => setTimeout(r, 1100));
  await term.write('+++');
  await term.waitFor('OK\r\n', 5000);
  await term.write('ATI11\r');
  const page = await term.waitFor('OK\r\n');
  t.regex(page, /V\.42 LAPM.*V\.42bis P0=3 P1=2048 P2=32/);
  const sent = Number(/Frames sent\s+(\d+)/.exec(page)?.[1]);
  t.true(sent >= 10, page);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n');
  // ATH with the link up: DISC first, the far modem's UA, then the carrier goes (V.42 §8.5.4).
  for (let i = 0; i < 100 && !log.some((l) => l.startsWith('v42: link released')); i++) await new Promise((r) => setTimeout(r, 50));
  t.true(log.includes('v42: link released (LAPM ended: DISC answered)'), log.filter((l) => l.startsWith('v42')).join('\n'));
});

test('DTR drop with &D2 during a V.42 call: DISC first, the far modem answers UA, then the call ends', async (t) => {
  const { term, log, port, modem } = await rig(t);
  await term.write('AT&Q5&D2+MS=V22B\r');
  await term.waitFor('OK\r\n');
  await term.write('ATDT5552400\r');
  t.regex(await term.waitFor(/CONNECT [^\r]*\r\n/, 60000), /CONNECT 2400\/ARQ\r\n$/);
  await term.waitFor(ECHO_BANNER, 30000);
  port.lines.setDte('DTR', false);
  const released = () => log.some((l) => l.startsWith('v42: link released'));
  for (let i = 0; i < 100 && (modem.state !== 'command' || !released()); i++) await new Promise((r) => setTimeout(r, 50));
  port.lines.setDte('DTR', true);
  t.is(modem.state, 'command');
  t.true(log.includes('v42: link released (LAPM ended: DISC answered)'), log.filter((l) => l.startsWith('v42')).join('\n'));
});

test('W1 names the protocol: CONNECT 2400/ARQ/V42BIS, and with %C0 CONNECT 2400/ARQ/V42', async (t) => {
  const { term } = await rig(t);
  await term.write('AT\\N3W1+MS=V22B\r');
  await term.waitFor('OK\r\n');
  await term.write('ATDT5552400\r');
  t.regex(await term.waitFor(/CONNECT [^\r]*\r\n/, 60000), /CONNECT 2400\/ARQ\/V42BIS\r\n$/);
  await term.waitFor(ECHO_BANNER, 30000);
  await new Promise((r) => setTimeout(r, 1100));
  await term.write('+++');
  await term.waitFor('OK\r\n', 5000);
  await term.write('ATH%C0\r');
  await term.waitFor('OK\r\n');
  await term.write('ATS46?\r');
  t.regex(await term.waitFor('OK\r\n'), /136/);
  await term.write('ATDT5552400\r');
  t.regex(await term.waitFor(/CONNECT [^\r]*\r\n/, 60000), /CONNECT 2400\/ARQ\/V42\r\n$/);
  await term.waitFor(ECHO_BANNER, 30000);
});

test('\\N2 (V.42 required) to a modem without V.42 hangs up: NO CARRIER; \\N3 falls back to CONNECT 1200', async (t) => {
  const { term } = await rig(t);
  await term.write('AT\\N2+MS=V22\r');
  await term.waitFor('OK\r\n');
  await term.write('ATDT5551200\r');
  t.regex(await term.waitFor(/(NO CARRIER|CONNECT[^\r]*)\r\n/, 60000), /NO CARRIER\r\n$/);
  await term.write('AT\\N3DT5551200\r');
  t.regex(await term.waitFor(/CONNECT[^\r]*\r\n/, 60000), /CONNECT 1200\r\n$/);
  await term.waitFor(ECHO_BANNER, 30000);
});
