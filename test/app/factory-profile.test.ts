/**
 * Issue 18: the factory state of a 2400 modem. +MS is part of the profile: factory automode (V22B,1,300,2400), AT&W
 * stores it, ATZ restores the stored one and AT&F the factory one (a script that worked once keeps working after an
 * interactive session changed the carrier), AT&V shows it; the V.250 rate fields force or cap; ATI0/ATI4 describe the
 * modem as it is; the ERROR after a Hayes command written straight after an extended one says where the line was cut.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { factoryState } from '../../firmware-app/at/profiles.ts';
import { interpreter, tempDir } from './at-helpers.ts';

const ms = (send: (t: string) => string): string => /\+MS: (\S+)/.exec(send('AT+MS?\r'))?.[1] ?? '(none)';

test('factory +MS is automode V.22bis down to 300; ATZ and AT&F both undo AT+MS=V21 (the bug: +MS stayed)', (t) => {
  const { send } = interpreter();
  send('ATE0\r');
  t.is(ms(send), 'V22B,1,300,2400');
  t.is(send('AT+MS=V21\r'), '\r\nOK\r\n');
  t.is(ms(send), 'V21,0,300,300');
  t.is(send('ATZ\r'), '\r\nOK\r\n');
  t.is(ms(send), 'V22B,1,300,2400', 'ATZ: the stored profile (never written: factory)');
  send('ATE0+MS=B103\r');
  t.is(send('AT&F\r'), '\r\nOK\r\n');
  send('ATE0\r');
  t.is(ms(send), 'V22B,1,300,2400', 'AT&F: the factory profile');
});

test('AT&W stores +MS, ATZ restores it (and after a restart), AT&F still gives the factory one, AT&V shows it', (t) => {
  const dir = tempDir(true);
  const a = interpreter(dir);
  a.send('ATE0\r');
  t.is(a.send('AT+MS=B103;&W\r'), '\r\nOK\r\n');
  a.send('AT+MS=V22B\r');
  t.is(ms(a.send), 'V22B,0,1200,2400');
  a.send('ATZ\r');
  t.is(ms(a.send), 'B103,0,300,300', 'ATZ: stored profile 0');
  const page = a.send('AT&V\r');
  t.regex(page, /ACTIVE PROFILE:\r\n[^\r]*\r\n[^\r]*\r\n\+MS=B103,0,300,300\r\n/);
  t.regex(page, /STORED PROFILE 0: \(power-up\)\r\n[^\r]*\r\n[^\r]*\r\n\+MS=B103,0,300,300\r\n/);
  t.regex(page, /STORED PROFILE 1:\r\n[^\r]*\r\n[^\r]*\r\n\+MS=V22B,1,300,2400\r\n/);
  const stored = JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8')) as { profiles: { carrier: string }[] };
  t.is(stored.profiles[0].carrier, 'B103,0,300,300');
  const b = interpreter(dir);
  b.send('ATE0\r');
  t.is(ms(b.send), 'B103,0,300,300', 'power-up: the stored +MS');
  b.send('AT&F\r');
  b.send('ATE0\r');
  t.is(ms(b.send), 'V22B,1,300,2400');
});

test('a profiles.json written before +MS was stored loads, with the factory +MS; a bad stored +MS is corrupt', (t) => {
  const dir = tempDir(true);
  const old = factoryState();
  for (const p of old.profiles) delete p.carrier;
  old.profiles[0].options.X = 2;
  writeFileSync(join(dir, 'profiles.json'), JSON.stringify(old));
  const a = interpreter(dir);
  t.is(a.at.opt.X, 2, 'the old file was accepted');
  a.send('ATE0\r');
  t.is(ms(a.send), 'V22B,1,300,2400');
  const bad = factoryState();
  bad.profiles[0].carrier = 'V34,1';
  writeFileSync(join(dir, 'profiles.json'), JSON.stringify(bad));
  const b = interpreter(dir);
  t.true(
    b.log.some((l) => /corrupt \(profile: carrier V34,1\)/.test(l)),
    b.log.join('\n'),
  );
});

test('+MS rate fields: automode capped at 1200 or 300, a floor of 1200, forced carriers outside their rates refused', (t) => {
  const { send } = interpreter();
  send('ATE0\r');
  const set = (args: string): string => {
    const r = send(`AT+MS=${args}\r`);
    return /OK/.test(r) ? ms(send) : 'ERROR';
  };
  t.is(set('V22B,1,300,2400'), 'V22B,1,300,2400');
  t.is(set('V22B,1,300,1200'), 'V22,1,300,1200');
  t.is(set('V22B,1,0,300'), 'V21,1,300,300');
  t.is(set('V22B,1,1200'), 'V22B,1,1200,2400');
  t.is(set('V22,1'), 'V22,1,300,1200');
  t.is(set('V22B,1,300,2400,300,2400'), 'V22B,1,300,2400');
  t.is(set('V22B,0,2400,2400'), 'V22B,0,2400,2400');
  t.is(set('V22B,0,1200,1200'), 'V22B,0,1200,1200');
  t.is(set('V22B,1,2400,1200'), 'ERROR');
  t.is(set('V21,0,1200'), 'ERROR');
  t.is(set('V23C,1'), 'ERROR');
  t.is(set('V22B,1,300,2400,300,1200'), 'ERROR', 'receive rates that differ from the others');
  t.is(set('V22B,2'), 'ERROR');
  t.is(set('V22B,1,x'), 'ERROR');
  t.regex(send('AT+MS=?\r'), /\+MS: \(V21,B103,V23C,B202,V22,B212,V22B\),\(0,1\),\(0,300,1200,2400\)/);
});

test('AT+MS=V22B&Q5 is still ERROR (V.250), and the log says where the line was cut and shows AT+MS=V22B;&Q5', (t) => {
  const { send, log, at } = interpreter();
  send('ATE0\r');
  t.regex(send('AT+MS=V22B&Q5\r'), /ERROR/);
  const why = log.at(-1) ?? '';
  t.log(why);
  t.regex(why, /stopped at column 3 \("\+MS=V22B&Q5"\)/);
  t.regex(why, /"&Q5" was taken as part of "\+MS=V22B"/);
  t.true(why.includes('write AT+MS=V22B;&Q5'));
  t.is(send('AT+MS=V22B;&Q5\r'), '\r\nOK\r\n');
  t.is(at.opt['&Q'], 5);
  // Any other ERROR names the command it stopped at, after the ones carried out.
  t.regex(send('ATE0X9\r'), /ERROR/);
  t.regex(log.at(-1) ?? '', /"ATE0X9" stopped at column 5 \("X9"\)/);
  t.regex(send('AT+MS=V21\\N3\r'), /ERROR/);
  t.true((log.at(-1) ?? '').includes('write AT+MS=V21;\\N3'));
});

test('ATI0 answers 2400; ATI4 lists every modulation, automode, V.42/V.42bis and the line backends', (t) => {
  const { send } = interpreter();
  send('ATE0\r');
  t.is(send('ATI0\r'), '\r\n2400\r\n\r\nOK\r\n');
  const i4 = send('ATI4\r');
  for (const m of [
    'V.22bis 2400',
    'V.22 1200',
    'Bell 212A 1200',
    'V.21 300',
    'Bell 103 300',
    'V.23 1200/75',
    'Bell 202 1200',
    'Automode',
    'V.42 LAPM',
    'V.42bis',
    'Line backends',
    'Bluetooth',
    'sound card',
    'simulated exchange',
  ])
    t.true(i4.includes(m), m);
  t.false(/Error correction \/ compression: none/.test(i4), 'not the stale line');
});
