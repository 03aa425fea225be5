import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, DEFAULT_CONFIG_PATH, deviceIdFromHost, loadConfig } from '../../firmware-app/config.ts';

const REPO = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'dialtone-config-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string, mode = 0o600): string {
  const path = join(dir, `case-${++n}.yaml`);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const secret = (mode: number): string => {
  const path = join(dir, `secret-${mode.toString(8)}`);
  writeFileSync(path, 's3cret\n');
  chmodSync(path, mode);
  return path;
};

/**
 * Broken files and the message each must give. FILE stands for the file's path. The first line of the error is
 * compared exactly (a RegExp where the YAML parser's own words appear).
 */
const BROKEN: { name: string; text: string | (() => string); message: string | RegExp }[] = [
  {
    name: 'bad YAML: unclosed flow sequence',
    text: 'modem: [1, 2\n',
    message: /^FILE:2:1: \(top level\): found a YAML syntax error \(.+\), expected valid YAML$/,
  },
  {
    name: 'bad YAML: a key given twice',
    text: 'clock: fast\nclock: realtime\n',
    message: /^FILE:2:1: \(top level\): found a YAML syntax error \(Map keys must be unique\), expected valid YAML$/,
  },
  {
    name: 'a list at the top level',
    text: '- modem\n',
    message: 'FILE:1:1: (top level): found a list, expected a mapping of keys (such as "modem:") at the top level',
  },
  {
    name: 'wrong type: text for a level',
    text: 'modem:\n  txLevelDbm0: loud\n',
    message: 'FILE:2:16: modem.txLevelDbm0: found "loud", expected a level from -43 to 0 dBm0',
  },
  {
    name: 'out of range: a positive level',
    text: 'modem:\n  txLevelDbm0: 3\n',
    message: 'FILE:2:16: modem.txLevelDbm0: found 3, expected a level from -43 to 0 dBm0',
  },
  { name: 'wrong type: a section given as null', text: 'modem: null\n', message: 'FILE:1:8: modem: found null, expected a mapping' },
  {
    name: 'wrong type: a boolean as text',
    text: 'exchange:\n  line:\n    bandLimit: "yes"\n',
    message: 'FILE:3:16: exchange.line.bandLimit: found "yes", expected true or false',
  },
  {
    name: 'wrong type: a fraction of rings',
    text: 'exchange:\n  answerAfterRings: 1.5\n',
    message: 'FILE:2:21: exchange.answerAfterRings: found 1.5, expected a whole number of rings from 0 to 255',
  },
  {
    name: 'unknown key at the top level, with a suggestion',
    text: 'modme:\n  modulation: v21\n',
    message:
      'FILE:1:1: modme: found an unknown key, expected one of the keys device, modem, serial, leds, gpio, controlLines, clock, control, line, exchange, internet, mqtt, watchdog, panel, recording (did you mean modem?)',
  },
  {
    name: 'unknown key in a section',
    text: 'modem:\n  modulaton: v23\n',
    message: 'FILE:2:3: modem.modulaton: found an unknown key, expected one of the keys txLevelDbm0, answerToneMs, modulation (did you mean modulation?)',
  },
  {
    name: 'a password inline instead of in a file',
    text: 'mqtt:\n  password: hunter2\n',
    message:
      /^FILE:2:3: mqtt\.password: found an unknown key, expected one of the keys enabled, url, username, passwordFile, .* \(did you mean passwordFile\?\)$/,
  },
  { name: 'enum: an unknown clock', text: 'clock: slow\n', message: 'FILE:1:8: clock: found "slow", expected one of realtime, fast' },
  {
    name: 'enum: an unknown modulation',
    text: 'modem:\n  modulation: v34\n',
    message: 'FILE:2:15: modem.modulation: found "v34", expected one of v21, bell103, v23, bell202, v22, bell212a, v22bis, auto',
  },
  {
    name: 'a telephone number with a letter',
    text: 'exchange:\n  numbers:\n    "555x": { kind: busy }\n',
    message: 'FILE:3:5: exchange.numbers.555x: found "555x", expected a telephone number: 1-32 of the digits 0-9 * # A-D',
  },
  {
    name: 'a route of an unknown kind',
    text: 'exchange:\n  numbers:\n    "5554000": { kind: fax }\n',
    message: 'FILE:3:24: exchange.numbers.5554000.kind: found "fax", expected one of modem, busy, no-answer, program',
  },
  {
    name: 'a program route without its command',
    text: 'exchange:\n  numbers:\n    "5554000": { kind: program }\n',
    message: 'FILE:3:16: exchange.numbers.5554000.command: found nothing, expected a value for command',
  },
  {
    name: 'an extra key in a busy route',
    text: 'exchange:\n  numbers:\n    "5554000": { kind: busy, command: x }\n',
    message: 'FILE:3:30: exchange.numbers.5554000.command: found an unknown key, expected one of the keys kind',
  },
  {
    name: 'out-of-range pin',
    text: 'leds:\n  backend: gpio\n  pins: { HS: 28 }\n',
    message: 'FILE:3:15: leds.pins.HS: found 28, expected a BCM GPIO number from 0 to 27',
  },
  {
    name: 'a pin given twice',
    text: 'leds:\n  backend: gpio\n  pins: { HS: 5, AA: 5 }\n',
    message: 'FILE:3:22: leds.pins.AA: found 5, expected a pin not already given to HS',
  },
  {
    name: 'gpio LEDs without pins',
    text: 'leds:\n  backend: gpio\n',
    message: 'FILE:2:12: leds.pins: found no pins, expected BCM pin numbers for the LEDs (leds.backend is gpio)',
  },
  {
    name: 'a control line on a pin an LED has',
    text: 'leds:\n  backend: gpio\n  pins: { HS: 22 }\ncontrolLines:\n  backend: gpio\n  pins: { DCD: 22, DTR: 25 }\n',
    message: 'FILE:6:16: controlLines.pins.DCD: found 22, expected a pin not already given to HS',
  },
  {
    name: 'CTS on a GPIO pin while the UART does RTS/CTS',
    text: 'serial: { backend: serialport, device: /dev/null, rtscts: true }\ncontrolLines:\n  backend: gpio\n  pins: { DTR: 25, CTS: 27 }\n',
    message: 'FILE:4:25: controlLines.pins.CTS: found 27, expected no pin: with serial.rtscts the UART drives CTS on its own pin',
  },
  {
    name: 'a control line on the UART flow-control pins',
    text: 'serial: { backend: serialport, device: /dev/null, rtscts: true }\ncontrolLines:\n  backend: gpio\n  pins: { DTR: 16 }\n',
    message: "FILE:4:16: controlLines.pins.DTR: found 16, expected a pin other than 16 and 17 (the UART's CTS and RTS, serial.rtscts is true)",
  },
  {
    name: 'GPIO control lines without DTR',
    text: 'controlLines:\n  backend: gpio\n  pins: { DCD: 22 }\n',
    message: 'FILE:2:12: controlLines.pins.DTR: found nothing, expected the BCM pin that reads DTR (controlLines.backend is gpio)',
  },
  {
    name: 'a TCP port out of range',
    text: 'serial: { backend: tcp, tcp: { host: 0.0.0.0, port: 70000 } }\n',
    message: 'FILE:1:53: serial.tcp.port: found 70000, expected a TCP port from 1 to 65535',
  },
  {
    name: 'a phone-book entry with a port out of range',
    text: 'internet:\n  phonebook:\n    "5558000": { host: bbs.example.org, port: 70000 }\n',
    message: /^FILE:3:\d+: internet\.phonebook\.5558000\.port: found 70000, expected a TCP port from 1 to 65535$/,
  },
  {
    name: 'an Internet listener beyond loopback without a password',
    text: 'internet:\n  listen: { enabled: true, address: 0.0.0.0 }\n',
    message:
      /^FILE:2:\d+: internet\.listen\.passwordFile: found null, expected a password file: the Internet listener is bound to 0\.0\.0\.0, which is not loopback, and never takes calls there without a password$/,
  },
  {
    name: 'an Internet listener beyond loopback with a password but no rate limit',
    text: () => `internet:\n  listen: { enabled: true, address: 0.0.0.0, passwordFile: ${secret(0o600)} }\n`,
    message:
      /^FILE:2:\d+: internet\.listen\.maxPerMinute: found null, expected a limit of connections per minute: the Internet listener is bound to 0\.0\.0\.0/,
  },
  {
    name: 'an LED on the UART pins',
    text: 'serial: { backend: serialport, device: /dev/null }\nleds:\n  backend: gpio\n  pins: { HS: 14 }\n',
    message: 'FILE:4:15: leds.pins.HS: found 14, expected a pin other than 14 and 15 (the UART)',
  },
  {
    name: 'a missing serial device',
    text: 'serial:\n  backend: serialport\n  device: /dev/ttyDIALTONE9\n',
    message: 'FILE:3:11: serial.device: found "/dev/ttyDIALTONE9" (no such file), expected an existing serial device',
  },
  {
    name: 'a serial backend without its device',
    text: 'serial:\n  backend: serialport\n',
    message: 'FILE:2:12: serial.device: found null, expected a device path such as /dev/serial0 (serial.backend is serialport)',
  },
  {
    name: 'a device path outside /dev',
    text: 'serial:\n  device: ttyS0\n',
    message: 'FILE:2:11: serial.device: found "ttyS0", expected a device path such as /dev/serial0',
  },
  {
    name: 'an embedded broker on a port out of range',
    text: 'mqtt:\n  broker:\n    port: 70000\n',
    message: 'FILE:3:11: mqtt.broker.port: found 70000, expected a TCP port from 0 to 65535 (0: any free port)',
  },
  {
    name: 'a broker URL of the wrong scheme',
    text: 'mqtt:\n  url: http://broker.lan\n',
    message: 'FILE:2:8: mqtt.url: found "http://broker.lan", expected a broker URL such as mqtt://broker.lan:1883 or mqtts://broker.lan:8883',
  },
  {
    name: 'a password file readable by everyone',
    text: () => `mqtt:\n  enabled: true\n  url: mqtt://127.0.0.1\n  username: modem\n  passwordFile: ${secret(0o644)}\n`,
    message: `FILE:5:17: mqtt.passwordFile: found "${join(dir, 'secret-644')}" (readable by everyone), expected a file readable only by the service user or its group (chmod 640 or 600)`,
  },
  {
    name: 'a password file that is missing',
    text: `mqtt:\n  enabled: true\n  url: mqtt://127.0.0.1\n  username: modem\n  passwordFile: /etc/dialtone/nonexistent\n`,
    message: 'FILE:5:17: mqtt.passwordFile: found "/etc/dialtone/nonexistent" (no such file), expected an existing file holding the password',
  },
  {
    name: 'a password without a user name',
    text: () => `mqtt:\n  enabled: true\n  url: mqtt://127.0.0.1\n  passwordFile: ${secret(0o600)}\n`,
    message: 'FILE:4:17: mqtt.username: found null, expected a user name to go with mqtt.passwordFile',
  },
  {
    name: 'a missing TLS CA file',
    text: 'mqtt:\n  enabled: true\n  url: mqtts://broker.lan\n  tls: { ca: /nonexistent/ca.pem }\n',
    message: 'FILE:4:14: mqtt.tls.ca: found "/nonexistent/ca.pem" (no such file), expected an existing PEM file',
  },
  {
    name: 'a device id that is not a topic level',
    text: 'device:\n  id: Retro/PC\n',
    message: 'FILE:2:7: device.id: found "Retro/PC", expected null (the host name) or 1-32 characters a-z 0-9 _ - (it is an MQTT topic level)',
  },
  {
    name: 'a watchdog limit out of range',
    text: 'watchdog:\n  maxEventLoopLagMs: 10\n',
    message: 'FILE:2:22: watchdog.maxEventLoopLagMs: found 10, expected milliseconds from 50 to 60000',
  },
];

for (const c of BROKEN) {
  test(`config rejects ${c.name}`, (t) => {
    const path = file(typeof c.text === 'string' ? c.text : c.text());
    const err = t.throws(() => loadConfig(path), { instanceOf: ConfigError });
    const first = err!.message.split('\n')[0];
    if (typeof c.message === 'string') t.is(first, c.message.replace('FILE', path));
    else t.regex(first.replace(path, 'FILE'), c.message);
  });
}

test('every problem in a file is listed, in file order', (t) => {
  const path = file('clock: slow\nmodem:\n  modulation: v99\n  extra: 1\n');
  const err = t.throws(() => loadConfig(path), { instanceOf: ConfigError })!;
  t.deepEqual(
    err.issues.map((i) => `${i.line}:${i.key}`),
    ['1:clock', '3:modem.modulation', '4:modem.extra'],
  );
});

test('an unreadable file is named with the reason', (t) => {
  const err = t.throws(() => loadConfig(join(dir, 'nope.yaml')), { instanceOf: ConfigError })!;
  t.is(err.message, `${join(dir, 'nope.yaml')}: (top level): found an unreadable file (ENOENT), expected a readable YAML file`);
});

test('a bad command-line value is blamed on the command line', (t) => {
  const err = t.throws(() => loadConfig(undefined, { clock: 'warp' }), { instanceOf: ConfigError })!;
  t.is(err.message, 'command line: clock: found "warp", expected one of realtime, fast');
});

test('the defaults are valid, and the keys other tests overlay still work', (t) => {
  const defaults = loadConfig();
  t.is(defaults.clock, 'realtime');
  t.true(defaults.mqtt.enabled, 'telemetry on: to the embedded broker while mqtt.url is null');
  t.is(defaults.mqtt.url, null);
  t.is(defaults.device.id, deviceIdFromHost());
  const path = file(
    'modem:\n  modulation: bell103\nexchange:\n  line: { snrDb: 20 }\n  numbers:\n    "5554000": { kind: program, command: "cat" }\nserial: { link: /tmp/x }\ncontrol: { socket: /tmp/y.sock }\n',
  );
  const cfg = loadConfig(path, { clock: 'fast' });
  t.is(cfg.modem.modulation, 'bell103');
  t.is(cfg.exchange.line.snrDb, 20);
  t.true(cfg.exchange.line.bandLimit);
  t.deepEqual(cfg.exchange.numbers['5554000'], { kind: 'program', command: 'cat' });
  t.deepEqual(cfg.exchange.numbers['5552000'], { kind: 'busy' }, 'numbers from an overlay add to the defaults');
  t.is(cfg.clock, 'fast');
  t.is(cfg.serial.link, '/tmp/x');
});

test('the MQTT password comes from its own file and is not in the configuration text', (t) => {
  const pw = secret(0o640);
  const cfg = loadConfig(file(`mqtt:\n  enabled: true\n  url: mqtt://127.0.0.1:1\n  username: modem\n  passwordFile: ${pw}\n`));
  t.is(cfg.mqtt.password, 's3cret');
  t.is(cfg.mqtt.username, 'modem');
});

test('device ids from host names are topic-safe', (t) => {
  t.is(deviceIdFromHost('Retro-Pi.local'), 'retro-pi');
  t.is(deviceIdFromHost('__'), 'dialtone');
  t.is(deviceIdFromHost('My Modem'), 'my-modem');
});

test('default.yaml names every top-level section the schema requires', (t) => {
  const schema = JSON.parse(readFileSync(join(REPO, 'config/schema.json'), 'utf8')) as { required: string[] };
  t.deepEqual(Object.keys(parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as object).sort(), [...schema.required].sort());
});

function dialtone(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'firmware-app/main.ts'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
}

test('dialtone config check: exit 0 and "valid" for a good file, exit 1 and every message for a bad one', (t) => {
  const good = file('modem:\n  modulation: v23\n');
  const ok = dialtone('config', 'check', good);
  t.is(ok.status, 0, ok.stderr);
  t.regex(ok.stdout, new RegExp(`^${good}: valid`));
  const bad = file('clock: slow\nmodem:\n  txLevelDbm0: 1\n');
  const r = dialtone('config', 'check', bad);
  t.is(r.status, 1);
  t.is(r.stdout, '');
  t.is(
    r.stderr,
    `dialtone: configuration error:\n  ${bad}:1:8: clock: found "slow", expected one of realtime, fast\n  ${bad}:3:16: modem.txLevelDbm0: found 1, expected a level from -43 to 0 dBm0\n`,
  );
});

test('the daemon does not start on a bad file: exit 1 before opening its port', (t) => {
  const link = join(dir, 'never-modem');
  const bad = file('exchange:\n  numbers:\n    "1": { kind: program }\n');
  const r = dialtone('start', '--config', bad, '--link', link, '--socket', join(dir, 'never.sock'), '--clock', 'fast');
  t.is(r.status, 1);
  t.regex(r.stderr, /exchange\.numbers\.1\.command: found nothing/);
  t.false(existsSync(link));
  t.false(existsSync(join(dir, 'never.sock')));
});
