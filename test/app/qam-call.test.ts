import test from 'ava';
import { rig } from './rig.ts';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { mulberry32 } from '../helpers/random.ts';

/** Text the echo host sends back, from a seeded source. */
function text(n: number, seed: number): string {
  const r = mulberry32(seed);
  let s = '';
  while (s.length < n) s += String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

for (const [carrier, number, rate] of [
  ['V22B', '5552400', 2400],
  ['V22', '5551200', 1200],
  ['B212', '5551212', 1200],
] as const) {
  test(`AT+MS=${carrier}: dial ${number}, CONNECT ${rate}, 2 KiB echoed intact, +++ and ATH`, async (t) => {
    const { term } = await rig(t);
    await term.write(`AT+MS=${carrier}\r`);
    await term.waitFor('OK\r\n');
    await term.write(`ATDT${number}\r`);
    t.regex(await term.waitFor(/CONNECT \d+\r\n/, 60000), new RegExp(`CONNECT ${rate}\\r\\n$`));
    await term.waitFor(ECHO_BANNER, 30000);
    const payload = text(2048, rate);
    await term.write(payload);
    t.is(await term.waitFor(payload.slice(-40), 120000), payload);
    await new Promise((r) => setTimeout(r, 1100));
    await term.write('+++');
    await term.waitFor('OK\r\n', 5000);
    await term.write('ATH\r');
    await term.waitFor('OK\r\n');
  });
}

test('AT+MS? reports the carrier; AT+MS=? lists them; an unknown carrier is an ERROR', async (t) => {
  const { term } = await rig(t);
  await term.write('AT+MS=V22B\r');
  await term.waitFor('OK\r\n');
  await term.write('AT+MS?\r');
  t.regex(await term.waitFor('OK\r\n'), /\+MS: V22B/);
  await term.write('AT+MS=V34\r');
  t.regex(await term.waitFor(/ERROR\r\n/), /ERROR/);
});
