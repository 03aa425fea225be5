import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../../firmware-app/config.ts';
import { REPO, tempDir, until } from './helpers.ts';

const IB = join(REPO, 'image-build');
const STAGE = join(IB, 'stage-dialtone');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

const isScript = (f: string): boolean => f.endsWith('.sh') || readFileSync(f, 'utf8').startsWith('#!/bin/bash');

test('the pi-gen stage is complete: prerun, export marker, packages, executable run scripts, every file they install', (t) => {
  const need = [
    'build.sh',
    'bundle.sh',
    'config',
    'stage-dialtone/prerun.sh',
    'stage-dialtone/EXPORT_IMAGE',
    'stage-dialtone/00-packages/00-packages',
    'stage-dialtone/01-node/00-run.sh',
    'stage-dialtone/02-app/00-run.sh',
    'stage-dialtone/02-app/01-run-chroot.sh',
    'stage-dialtone/02-app/files/dialtone.yaml',
    'stage-dialtone/02-app/files/dialtone-firstboot',
    'stage-dialtone/02-app/files/dialtone-firstboot.service',
    'stage-dialtone/03-boot/00-run.sh',
    'stage-dialtone/04-readonly/00-run.sh',
  ];
  for (const f of need) t.true(existsSync(join(IB, f)), f);
  // pi-gen runs only executable scripts (and silently skips the others).
  for (const f of files(IB).filter((p) => !relative(IB, p).startsWith('work/') && isScript(p) && !p.endsWith('.service'))) {
    t.notThrows(() => accessSync(f, constants.X_OK), `${relative(REPO, f)} is executable`);
  }
  // Every files/NAME a run script installs exists.
  for (const script of files(STAGE).filter((f) => f.endsWith('-run.sh'))) {
    for (const m of readFileSync(script, 'utf8').matchAll(/files\/([\w.-]+)/g)) {
      if (m[1] === 'dialtone.tar.gz') continue; // built by bundle.sh
      t.true(existsSync(join(STAGE, relative(STAGE, script).split('/')[0], 'files', m[1])), `${relative(REPO, script)} installs files/${m[1]}`);
    }
  }
  t.true(readFileSync(join(IB, 'config'), 'utf8').includes('STAGE_LIST="stage0 stage1 stage2 stage-dialtone"'));
  t.true(readFileSync(join(STAGE, '02-app/00-run.sh'), 'utf8').includes('systemd/dialtone.service'), 'the image installs the unit from systemd/');
});

test('every shell script of the image build passes shellcheck', (t) => {
  const scripts = files(IB).filter((p) => !relative(IB, p).startsWith('work/') && isScript(p));
  t.true(scripts.length >= 8);
  const r = spawnSync('shellcheck', ['-x', '--shell=bash', ...scripts], { encoding: 'utf8' });
  if (r.error) throw new Error('shellcheck is missing: apt-get install shellcheck (npm run setup:test does)');
  t.is(r.status, 0, r.stdout + r.stderr);
});

test("the image's /etc/dialtone/dialtone.yaml is valid", (t) => {
  const cfg = loadConfig(join(STAGE, '02-app/files/dialtone.yaml'));
  t.is(cfg.clock, 'realtime');
  t.is(cfg.leds.backend, 'none');
});

test('the bundle the stage installs is built from HEAD, and its installed form starts in simulation', async (t) => {
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
  const check = spawnSync(join(app, 'bin/dialtone.js'), ['config', 'check', join(STAGE, '02-app/files/dialtone.yaml')], { cwd: app, encoding: 'utf8' });
  t.is(check.status, 0, check.stderr);
  const child = spawn(
    join(app, 'bin/dialtone.js'),
    ['start', '--config', join(STAGE, '02-app/files/dialtone.yaml'), '--clock', 'fast', '--link', join(dir, 'modem'), '--socket', join(dir, 'control.sock')],
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
