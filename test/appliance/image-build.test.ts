import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../firmware-app/config.ts';
import { REPO, tempDir, until } from './helpers.ts';

const IB = join(REPO, 'image-build');
const FILES = join(IB, 'debian');
const IMAGE_YAML = join(FILES, 'dialtone.yaml');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

const isScript = (f: string): boolean => f.endsWith('.sh') || /^#!\S*\bbash\b/.test(readFileSync(f, 'utf8'));

/** The image's dialtone.yaml with its UART replaced by a device that exists here (as the build checks it). */
function imageYamlHere(dir: string, simulate = false): string {
  const f = join(dir, simulate ? 'simulated.yaml' : 'dialtone.yaml');
  let text = readFileSync(IMAGE_YAML, 'utf8').replace(/device: \/dev\/serial0/, 'device: /dev/null');
  // The bundle's start-up test runs the image's configuration with a pseudo-terminal instead of the UART.
  if (simulate) text = text.replace(/backend: serialport/, 'backend: pty');
  writeFileSync(f, text);
  return f;
}

test('the Debian image recipe is complete: executable scripts, every file customize.sh installs, the npm commands', (t) => {
  for (const f of ['build-image.sh', 'customize.sh', 'binfmt.sh', 'setup.sh', 'bundle.sh']) {
    t.notThrows(() => accessSync(join(IB, f), constants.X_OK), `image-build/${f} is executable`);
  }
  const customize = readFileSync(join(IB, 'customize.sh'), 'utf8');
  const installed = [...customize.matchAll(/\$files\/([\w.-]+)/g)].map((m) => m[1]);
  t.true(installed.length >= 7, installed.join(' '));
  for (const name of installed) t.true(existsSync(join(FILES, name)), `customize.sh installs debian/${name}`);
  t.true(customize.includes('systemd/dialtone.service'), 'the image installs the unit from systemd/');
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.regex(pkg.scripts.image, /image-build\/build-image\.sh/);
  t.regex(pkg.scripts['test:image'], /test\/image\/boot\.image\.ts/);
});

test("the card's boot files: the DTE's UART as /dev/serial0, no console on it, the root by label", (t) => {
  const custom = readFileSync(join(FILES, 'raspi-firmware-custom'), 'utf8');
  t.regex(custom, /^core_freq=250$/m, "the mini UART's clock is pinned");
  t.regex(custom, /^gpio=16,17=a5$/m, 'RTS/CTS of the mini UART');
  const rules = readFileSync(join(FILES, '99-dialtone-serial.rules'), 'utf8');
  t.regex(rules, /DRIVERS=="bcm2835-aux-uart", SYMLINK\+="serial0"/);
  t.regex(rules, /DRIVERS=="uart-pl011", SYMLINK\+="serial0"/);
  const defaults = readFileSync(join(FILES, 'raspi-firmware'), 'utf8');
  t.regex(defaults, /^ROOTPART=LABEL=RASPIROOT$/m);
  t.notRegex(defaults, /^CONSOLES=.*(serial|ttyAMA|ttyS)/m);
  t.regex(readFileSync(join(FILES, 'fstab'), 'utf8'), /^LABEL=RASPIFIRM\s+\/boot\/firmware\s+vfat/m);
  t.regex(readFileSync(join(IB, 'customize.sh'), 'utf8'), /systemctl mask "serial-getty@\$tty\.service"/);
});

test('every shell script of the image build passes shellcheck', (t) => {
  const scripts = files(IB).filter(isScript);
  t.true(scripts.length >= 6, scripts.join(' '));
  const r = spawnSync('shellcheck', ['-x', '--shell=bash', ...scripts], { encoding: 'utf8' });
  if (r.error) throw new Error('shellcheck is missing: apt-get install shellcheck (npm run setup:test does)');
  t.is(r.status, 0, r.stdout + r.stderr);
});

test("the image's /etc/dialtone/dialtone.yaml is valid and puts the DTE on /dev/serial0", (t) => {
  const dir = tempDir('imgyaml');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.regex(readFileSync(IMAGE_YAML, 'utf8'), /device: \/dev\/serial0/);
  const cfg = loadConfig(imageYamlHere(dir));
  t.is(cfg.serial.backend, 'serialport');
  t.is(cfg.clock, 'realtime');
  t.is(cfg.leds.backend, 'none');
});

test('the bundle the image installs is built from HEAD, and its installed form starts in simulation', async (t) => {
  const dir = tempDir('bundle');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tar = join(dir, 'dialtone.tar.gz');
  const b = spawnSync('bash', [join(IB, 'bundle.sh'), tar], { encoding: 'utf8' });
  t.is(b.status, 0, b.stderr);
  t.true(statSync(tar).size > 10_000);
  t.is(spawnSync('tar', ['-xzf', tar, '-C', dir]).status, 0);
  const app = join(dir, 'dialtone');
  t.false(existsSync(join(app, 'test')), 'no tests in the bundle');
  // In the image `npm ci` builds these for arm64; here the checkout's own stand in.
  symlinkSync(join(REPO, 'node_modules'), join(app, 'node_modules'));
  symlinkSync(join(REPO, 'build'), join(app, 'build'));
  const yaml = imageYamlHere(dir);
  const check = spawnSync(join(app, 'bin/dialtone.js'), ['config', 'check', yaml], { cwd: app, encoding: 'utf8' });
  t.is(check.status, 0, check.stderr);
  const child = spawn(
    join(app, 'bin/dialtone.js'),
    ['start', '--config', imageYamlHere(dir, true), '--clock', 'fast', '--link', join(dir, 'modem'), '--socket', join(dir, 'control.sock')],
    {
      cwd: app,
      env: { ...process.env, STATE_DIRECTORY: join(dir, 'state'), NOTIFY_SOCKET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  await until(
    () => out.includes('Dialtone ready.') || child.exitCode !== null,
    90_000,
    () => out,
  );
  t.true(out.includes('Dialtone ready.'), out);
  t.true(existsSync(join(dir, 'modem')));
});
