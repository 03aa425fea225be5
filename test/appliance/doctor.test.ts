import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../firmware-app/config.ts';
import { userGroups } from '../../firmware-app/doctor/checks.ts';
import { runChecks } from '../../firmware-app/doctor/doctor.ts';
import type { DoctorCheck } from '../../firmware-app/doctor/doctor.ts';
import { socatPair } from '../hal/serial-peers.ts';
import { MAIN_TS, REPO_ROOT } from '../helpers/daemon.ts';

function doctor(config: Record<string, unknown> | null, opts: { env?: Record<string, string>; uid?: number } = {}) {
  const args = ['--import', 'tsx', MAIN_TS, 'doctor'];
  if (config) {
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-doctor-'));
    chmodSync(dir, 0o755);
    const file = join(dir, 'c.yaml');
    writeFileSync(file, stringify(config), { mode: 0o644 });
    args.push('--config', file);
  }
  const r = spawnSync(process.execPath, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...opts.env },
    uid: opts.uid,
    gid: opts.uid,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('doctor: the simulation defaults are in order (exit 0)', (t) => {
  const r = doctor(null);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /\[ok {2}\] serial: simulation: a pseudo-terminal/);
  t.regex(r.out, /everything configured is in order/);
});

test('doctor: GPIO LEDs on a machine without GPIO fail with a fix (exit 1)', (t) => {
  const r = doctor({ leds: { backend: 'gpio', pins: { HS: 5 } } }, { env: { DIALTONE_SYSFS_GPIO: '/nonexistent' } });
  t.is(r.code, 1, r.out);
  t.regex(r.out, /\[FAIL\] gpio: no GPIO chip for the 40-pin header/);
  t.regex(r.out, /fix: run on a Raspberry Pi, or set leds\.backend: terminal/);
  t.regex(r.out, /1 problem found/);
});

test('doctor: sysfs GPIO found by its label (a stand-in tree), and the UART on a real pty passes', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dialtone-sysfs-'));
  mkdirSync(join(root, 'gpiochip512'));
  for (const [f, v] of [
    ['label', 'pinctrl-bcm2711'],
    ['base', '512'],
    ['ngpio', '58'],
  ])
    writeFileSync(join(root, 'gpiochip512', f), `${v}\n`);
  writeFileSync(join(root, 'export'), '');
  const pair = await socatPair();
  t.teardown(() => pair.stop());
  const r = doctor(
    { serial: { backend: 'serialport', device: realpathSync(pair.a), rtscts: false }, leds: { backend: 'gpio', pins: { HS: 5 } } },
    { env: { DIALTONE_SYSFS_GPIO: root } },
  );
  t.is(r.code, 0, r.out);
  t.regex(r.out, /\[ok {2}\] serial: \/dev\/pts\/\d+ → \/dev\/pts\/\d+/);
  t.regex(r.out, /sysfs chips: pinctrl-bcm2711 base 512/);
});

test('doctor: a serial device the service user cannot open names the dialout group', async (t) => {
  if (process.getuid?.() !== 0) return t.pass('needs root to run the doctor as another user');
  const pair = await socatPair();
  t.teardown(() => pair.stop());
  chmodSync(realpathSync(pair.a), 0o600); // as a UART is, root:dialout 660, for a user outside dialout
  const r = doctor({ serial: { backend: 'serialport', device: realpathSync(pair.a), rtscts: false } }, { uid: 65534 });
  t.is(r.code, 1, r.out);
  t.regex(r.out, /\[FAIL\] serial: \/dev\/pts\/\d+ is not readable and writable by uid 65534/);
  t.regex(r.out, /fix: add the service user to the dialout group \(sudo usermod -aG dialout dialtone/);
});

test('doctor: the TCP port already taken fails with how to find who has it', async (t) => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const r = doctor({ serial: { backend: 'tcp', tcp: { host: '127.0.0.1', port } } });
  t.is(r.code, 1, r.out);
  t.regex(r.out, new RegExp(`\\[FAIL\\] serial: cannot listen on 127.0.0.1:${port} \\(EADDRINUSE\\)`));
  t.regex(r.out, /fix: stop what uses the port/);
});

test('doctor: a bad configuration is reported first (exit 1)', (t) => {
  const r = doctor({ leds: { backend: 'gpio', pins: { HS: 5, AA: 5 } } });
  t.is(r.code, 1, r.out);
  t.regex(r.out, /leds\.pins\.AA: found 5, expected a pin not already given to HS/);
});

test('doctor: checks are a list other parts extend; a throwing check is a failure, not a crash', async (t) => {
  const lines: string[] = [];
  const extra: DoctorCheck[] = [
    { name: 'audio', applies: () => true, run: () => [{ verdict: 'warn', what: 'no USB sound card', fix: 'plug one in' }] },
    { name: 'bluetooth', applies: () => true, run: () => Promise.reject(new Error('no D-Bus')) },
    { name: 'skipped', applies: () => false, run: () => [{ verdict: 'fail', what: 'never' }] },
  ];
  const n = await runChecks(extra, { cfg: loadConfig(), groups: [], uid: 1000, devDir: '/dev', sysfsGpio: '/x' }, (l) => lines.push(l));
  t.is(n, 1);
  t.deepEqual(lines, ['[warn] audio: no USB sound card', '       fix: plug one in', '[FAIL] bluetooth: the check itself failed: no D-Bus']);
});

test('doctor: group membership from /etc/group, primary group included', (t) => {
  const f = join(mkdtempSync(join(tmpdir(), 'dialtone-group-')), 'group');
  writeFileSync(f, 'root:x:0:\ndialout:x:20:pi,dialtone\ngpio:x:997:pi\ndialtone:x:999:\n');
  t.deepEqual(userGroups('dialtone', 999, f), ['dialout', 'dialtone']);
  t.deepEqual(userGroups('pi', 1000, f), ['dialout', 'gpio']);
});
