import test from 'ava';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDialString } from '../../firmware-app/at/dial-string.ts';
import { formatResult } from '../../firmware-app/at/result-codes.ts';
import type { ResultCode } from '../../firmware-app/at/result-codes.ts';
import { interpreter, tempDir } from './at-helpers.ts';

test('a classic init string is accepted and sets the options it names', (t) => {
  const { at, send } = interpreter();
  t.is(send('AT&F&C1&D2X4S0=0S7=60\r'), 'AT&F&C1&D2X4S0=0S7=60\r\r\nOK\r\n');
  t.is(at.opt['&C'], 1);
  t.is(at.opt['&D'], 2);
  t.is(at.s.get(7), 60);
  t.is(send('ATE0 V1 Q0 M1 L2 B1 N1 Y0 W0 &K4 &S1 &G0 &J0 &L0 &M0 &P0 &Q0 &R0 &X0\r'), 'ATE0 V1 Q0 M1 L2 B1 N1 Y0 W0 &K4 &S1 &G0 &J0 &L0 &M0 &P0 &Q0 &R0 &X0\r\r\nOK\r\n');
  t.is(at.opt['&K'], 4);
  for (const bad of ['&K1', '&K2', '&D4', '&C2', 'X5', 'E2', '&S2', 'Q2', 'J', '&A']) t.regex(send(`AT${bad}\r`), /ERROR\r\n$/, bad);
});

test('every result code in verbal and numeric form at each X level', (t) => {
  const s = { verbose: true, quiet: false, cr: 13, lf: 10 };
  // What the Smartmodem 2400 manual lists per level: the code as sent.
  const table: [ResultCode, number | undefined, string[]][] = [
    ['OK', undefined, ['OK', 'OK', 'OK', 'OK', 'OK']],
    ['CONNECT', 300, ['CONNECT', 'CONNECT 300', 'CONNECT 300', 'CONNECT 300', 'CONNECT 300']],
    ['CONNECT', 1200, ['CONNECT', 'CONNECT 1200', 'CONNECT 1200', 'CONNECT 1200', 'CONNECT 1200']],
    ['CONNECT', 2400, ['CONNECT', 'CONNECT 2400', 'CONNECT 2400', 'CONNECT 2400', 'CONNECT 2400']],
    ['RING', undefined, ['RING', 'RING', 'RING', 'RING', 'RING']],
    ['NO CARRIER', undefined, ['NO CARRIER', 'NO CARRIER', 'NO CARRIER', 'NO CARRIER', 'NO CARRIER']],
    ['ERROR', undefined, ['ERROR', 'ERROR', 'ERROR', 'ERROR', 'ERROR']],
    ['NO DIALTONE', undefined, ['NO CARRIER', 'NO CARRIER', 'NO DIALTONE', 'NO CARRIER', 'NO DIALTONE']],
    ['BUSY', undefined, ['NO CARRIER', 'NO CARRIER', 'NO CARRIER', 'BUSY', 'BUSY']],
    ['NO ANSWER', undefined, ['NO CARRIER', 'NO CARRIER', 'NO CARRIER', 'NO ANSWER', 'NO ANSWER']],
  ];
  const numeric: Record<string, number> = { OK: 0, CONNECT: 1, 'CONNECT 300': 1, RING: 2, 'NO CARRIER': 3, ERROR: 4, 'CONNECT 1200': 5, 'NO DIALTONE': 6, BUSY: 7, 'NO ANSWER': 8, 'CONNECT 2400': 10 };
  for (const [code, rate, perLevel] of table) {
    for (let level = 0; level <= 4; level++) {
      t.is(formatResult(code, { ...s, level }, rate), `\r\n${perLevel[level]}\r\n`, `${code} ${rate ?? ''} X${level}`);
      t.is(formatResult(code, { ...s, level, verbose: false }, rate), `${numeric[perLevel[level]]}\r`, `${code} ${rate ?? ''} X${level} V0`);
      t.is(formatResult(code, { ...s, level, quiet: true }, rate), '');
    }
  }
});

test('S-registers S0-S12, S25, S30 and the 2400 set: query, set, limits, read-only bit maps', (t) => {
  const { send, at } = interpreter();
  t.is(send('ATE0\r'), 'ATE0\r\r\nOK\r\n');
  const defaults: Record<number, number> = { 0: 0, 2: 43, 3: 13, 4: 10, 5: 8, 6: 2, 7: 50, 8: 2, 9: 6, 10: 14, 11: 95, 12: 50, 25: 5, 30: 0 };
  for (const [n, v] of Object.entries(defaults)) t.is(send(`ATS${n}?\r`), `\r\n${String(v).padStart(3, '0')}\r\n\r\nOK\r\n`, `S${n}`);
  t.is(send('ATS30=6S25=10S30?\r'), '\r\n006\r\n\r\nOK\r\n');
  t.regex(send('ATS7=256\r'), /ERROR/);
  t.regex(send('ATS1=3\r'), /ERROR/, 'the ring count is read-only');
  t.regex(send('ATS99=1\r'), /ERROR/, 'no such register');
  t.regex(send('ATS14=0\r'), /ERROR/);
  t.is(send('ATS14?\r'), '\r\n170\r\n\r\nOK\r\n'.replace('170', String(at.s.get(14)).padStart(3, '0')));
  send('ATQ0V1E1&C1&D2X4M1L2\r');
  t.is(at.s.get(14), 170, 'S14 as on the Smartmodem 2400: E1 V1 Q0 originate');
  t.is(at.s.get(21) & 0x38, 0x30, 'S21: &C1 &D2');
  t.is(at.s.get(22), 118, 'S22: L2 M1 X4');
});

test('S3, S4 and S5 editing characters, echo, case, and the 255-character limit', (t) => {
  const { send } = interpreter();
  t.is(send('at\r'), 'at\r\r\nOK\r\n');
  t.is(send('aTS7=3x\bS7?\r').endsWith('\r\n003\r\n\r\nOK\r\n'), true);
  t.regex(send('ATS5=127\r'), /OK/);
  t.is(send('ATS4=0S3=33\r'), 'ATS4=0S3=33\r!\0OK!\0', 'the result already framed by the new S3 and S4');
  t.is(send('ATS3=13S4=10!'), 'ATS3=13S4=10!\r\nOK\r\n', '"!" ends the line');
  const max = 'AT' + 'E1'.repeat(127) + ' ';
  t.is(max.length - 2, 255);
  t.regex(send(`${max}\r`), /\r\nOK\r\n$/);
  t.regex(send(`${max} \r`), /\r\nERROR\r\n$/, '256 characters after AT');
  t.regex(send(`AT${'x'.repeat(1000)}\r`), /\r\nERROR\r\n$/);
});

test('dial strings: modifiers, formatting, and nothing but digits * # + reach the line', (t) => {
  const { send, host, at } = interpreter();
  at.s.set(8, 3);
  send('ATDT 1 (555) 100-0\r');
  t.is(host.dials.at(-1)!.plan.digits, '15551000');
  send('ATDP9W,,5551000@\r');
  const p = host.dials.at(-1)!.plan;
  t.like(p, { digits: '95551000', pulse: true, waitDialTone: true, quietAnswer: true, pauseMs: 6000, returnToCommand: false });
  send('ATDT*70!#+4930;\r');
  t.like(host.dials.at(-1)!.plan, { digits: '*70#+4930', flashes: 1, returnToCommand: true });
  const before = host.dials.length;
  for (const bad of ['ATD5551000;H', 'ATD5551000+CMGS', 'ATD555A', 'ATD5551000\x22', 'ATD', 'ATDR555', 'ATD555>', 'ATDT${x}']) {
    t.regex(send(`${bad}\r`), /ERROR\r\n$/, bad);
  }
  t.is(host.dials.length, before, 'no invalid string reached the host');
  for (const h of host.dials) t.regex(h.plan.digits, /^[0-9*#+]*$/);
  t.is(parseDialString('1'.repeat(41), 2), null, 'at most 40 digits');
  send('ATD555\x1b1000\r');
  t.is(host.dials.at(-1)!.plan.digits, '5551000', 'control characters never enter a command line');
});

test('ATDL redials the last number; &Z stores numbers and ATDS=n dials them; &V lists them', (t) => {
  const { send, host } = interpreter();
  t.regex(send('ATDL\r'), /ERROR/, 'nothing to redial yet');
  send('ATDT5551000\r');
  send('ATDL\r');
  t.is(host.dials.at(-1)!.plan.digits, '5551000');
  t.regex(send('AT&Z2=T9,5552000\r'), /OK/);
  t.regex(send('AT&Z=5553000\r'), /OK/);
  t.regex(send('AT&Z4=1\r'), /ERROR/);
  t.regex(send('AT&Z1=555;ATH\r'), /ERROR/);
  t.regex(send('AT&Z1=5551000+CMGF\r'), /ERROR/);
  send('ATDS=2\r');
  t.is(host.dials.at(-1)!.plan.digits, '95552000');
  send('ATDS\r');
  t.is(host.dials.at(-1)!.plan.digits, '5553000');
  t.regex(send('ATDS=1\r'), /ERROR/, 'empty slot');
  const page = send('AT&V\r');
  t.regex(page, /ACTIVE PROFILE:\r\nB0 E1 L2 M1 N1 Q0 V1 W0 X4 Y0|ACTIVE PROFILE:/);
  t.regex(page, /STORED PROFILE 0: \(power-up\)/);
  t.regex(page, /STORED PROFILE 1:/);
  t.regex(page, /TELEPHONE NUMBERS:\r\n0=5553000 +1=\r\n2=T9,5552000 +3=\r\n/);
  t.regex(page, /S00:000 S02:043 S03:013/);
  t.regex(page, /&C1 &D2/);
});

test('ATI0-I7 pages, +GMI/+GMM/+GMR/+GCAP, +MS', (t) => {
  const { send } = interpreter();
  send('ATE0\r');
  for (let n = 0; n <= 7; n++) t.regex(send(`ATI${n}\r`), /\r\nOK\r\n$/, `I${n}`);
  t.regex(send('ATI8\r'), /ERROR/);
  t.regex(send('ATI1\r'), /^\r\n\d{3}\r\n\r\nOK\r\n$/);
  const i4 = send('ATI4\r');
  t.log(i4);
  t.regex(i4, /V\.21 300 bit\/s[\s\S]*Bell 103[\s\S]*V\.23[\s\S]*Bell 202[\s\S]*RTS\/CTS/);
  t.regex(send('ATI6\r'), /No call since power-up/);
  t.is(send('AT+GCAP\r'), '\r\n+GCAP: +MS\r\n\r\nOK\r\n');
  t.is(send('AT+GMI;+GMR\r'), '\r\nDialtone\r\n\r\n0.1.0\r\n\r\nOK\r\n');
  t.is(send('AT+GMM=?\r'), '\r\nOK\r\n');
  t.is(send('AT+MS=B103;+MS?\r'), '\r\n+MS: B103,0,300,300\r\n\r\nOK\r\n'); // V.250: carrier, automode, rates
  t.regex(send('AT+MS=V34\r'), /ERROR/);
  t.regex(send('AT+FOO\r'), /ERROR/);
});

test('profiles persist in the state directory: &W, &Y, ATZ, atomically, and survive a restart', (t) => {
  const dir = tempDir();
  const a = interpreter(dir);
  t.true(a.log.some((l) => /not found: factory settings/.test(l)));
  a.send('ATE0X2S0=3&K4&W1\r');
  t.is(a.send('AT&Y1\r'), '\r\nOK\r\n');
  t.deepEqual(readdirSync(dir), ['profiles.json'], 'no temporary file left behind');
  const b = interpreter(dir);
  t.is(b.at.opt.X, 2, 'power-up profile 1 loaded');
  t.is(b.at.s.get(0), 3);
  t.is(b.at.opt['&K'], 4);
  t.is(b.send('ATZ0\r'), '\r\nOK\r\n', 'E0 from stored profile 1: no echo');
  t.is(b.at.opt.X, 4, 'ATZ0 loads stored profile 0 (factory)');
  b.send('ATZ1\r');
  t.is(b.at.opt.X, 2);
  b.send('AT&F\r');
  t.is(b.at.opt.X, 4);
  t.is(b.at.opt.E, 1);
  const json = JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8')) as { powerUp: number };
  t.is(json.powerUp, 1);
});

test('a corrupt or invalid profile file means factory settings and a warning; &W then repairs it', (t) => {
  const dir = tempDir();
  for (const bad of ['{"version":1,', '[]', JSON.stringify({ version: 1, powerUp: 0, profiles: [{}, {}], numbers: ['', '', '', ''] }), '\x00\x00\x00']) {
    writeFileSync(join(dir, 'profiles.json'), bad);
    const a = interpreter(dir);
    t.true(a.log.some((l) => /warning: .*profiles\.json (is not valid JSON|is corrupt)/.test(l)), bad);
    t.is(a.at.opt.X, 4);
    t.is(a.at.s.get(7), 50);
  }
  const a = interpreter(dir);
  a.send('ATS7=20&W\r');
  t.is(interpreter(dir).at.s.get(7), 20);
  t.false(existsSync(join(dir, 'profiles.json.tmp-' + process.pid)));
});

test('an unwritable state directory: &W answers ERROR and the modem carries on', (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'file'), '');
  const a = interpreter(join(dir, 'file', 'sub'));
  t.regex(a.send('AT&W\r'), /ERROR/);
  t.true(a.log.some((l) => /cannot write/.test(l)));
  t.regex(a.send('AT\r'), /OK/);
});

test('parity of "AT" detected (8N1, 7E1, 7O1) and applied to echo and results', (t) => {
  const even = (c: number): number => c | ((c.toString(2).split('1').length - 1) % 2 << 7);
  const odd = (c: number): number => even(c) ^ 0x80;
  for (const [name, f] of [
    ['7E1', even],
    ['7O1', odd],
    ['8N1', (c: number) => c],
  ] as const) {
    const { send, at } = interpreter();
    const bytes = Uint8Array.from(Buffer.from('ATE0\r', 'latin1'), f);
    const out = send(bytes);
    t.is(at.format, name);
    const rest = Buffer.from(out.slice(5), 'latin1');
    t.deepEqual([...rest], [...Buffer.from('\r\nOK\r\n', 'latin1')].map(f), name);
    const lower = send(Uint8Array.from(Buffer.from('at\r', 'latin1'), f));
    t.deepEqual([...Buffer.from(lower, 'latin1')], [...Buffer.from('\r\nOK\r\n', 'latin1')].map(f), `${name} lower case`);
  }
});
