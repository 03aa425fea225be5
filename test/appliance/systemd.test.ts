import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, tempDir } from './helpers.ts';

const UNIT = join(REPO, 'systemd/dialtone.service');
const SYSTEM_UNITS = '/usr/lib/systemd/system';

/**
 * `systemd-analyze verify` loads the unit with its dependencies and checks that ExecStart's binary exists and is
 * executable. Outside the image neither /opt/dialtone nor a booted systemd exists, so the test builds a small root:
 * systemd's own units (for multi-user.target, sysinit.target...), the unit under /etc/systemd/system, and the
 * installed entry point at /opt/dialtone/bin/dialtone.js. Verify then runs with --root on that tree.
 */
function root(opts: { withBinary: boolean; unitText?: string }): string {
  const r = tempDir('unitroot');
  mkdirSync(join(r, 'usr/lib/systemd'), { recursive: true });
  cpSync(SYSTEM_UNITS, join(r, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(r, 'etc/systemd/system'), { recursive: true });
  writeFileSync(join(r, 'etc/systemd/system/dialtone.service'), opts.unitText ?? readFileSync(UNIT, 'utf8'));
  if (opts.withBinary) {
    mkdirSync(join(r, 'opt/dialtone/bin'), { recursive: true });
    copyFileSync(join(REPO, 'bin/dialtone.js'), join(r, 'opt/dialtone/bin/dialtone.js'));
    chmodSync(join(r, 'opt/dialtone/bin/dialtone.js'), 0o755);
  }
  return r;
}

function verify(r: string) {
  return spawnSync('systemd-analyze', ['verify', `--root=${r}`, '/etc/systemd/system/dialtone.service'], { encoding: 'utf8' });
}

test.before(() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('systemd-analyze is missing: apt-get install systemd (npm run setup:test does)');
  }
});

test('systemd-analyze verify passes on dialtone.service, without a single warning', (t) => {
  const r = root({ withBinary: true });
  t.teardown(() => rmSync(r, { recursive: true, force: true }));
  const out = verify(r);
  t.is(out.status, 0, out.stderr);
  t.is(out.stderr.trim(), '');
});

test('the verify test is not vacuous: a missing ExecStart binary and a misspelt directive are both caught', (t) => {
  const r1 = root({ withBinary: false });
  const r2 = root({ withBinary: true, unitText: readFileSync(UNIT, 'utf8').replace('ProtectHome=yes', 'ProtectHom=yes') });
  t.teardown(() => [r1, r2].forEach((r) => rmSync(r, { recursive: true, force: true })));
  const missing = verify(r1);
  t.not(missing.status, 0);
  t.regex(missing.stderr, /Command \/opt\/dialtone\/bin\/dialtone\.js is not executable/);
  t.regex(verify(r2).stderr, /Unknown key '?ProtectHom'? in section \[Service\]/);
});

test('dialtone.service: Type=notify with a watchdog, restarts on failure, its own user with the device groups', (t) => {
  const unit = readFileSync(UNIT, 'utf8');
  const has = (line: string): boolean => t.true(unit.split('\n').includes(line), line);
  [
    'Type=notify',
    'NotifyAccess=main',
    'WatchdogSec=20s',
    'Restart=on-failure',
    'User=dialtone',
    'SupplementaryGroups=dialout gpio audio bluetooth',
    'StateDirectory=dialtone',
  ].forEach(has);
  ['ProtectSystem=strict', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'ProtectHome=yes', 'DevicePolicy=closed'].forEach(has);
  t.false(/^MemoryDenyWriteExecute=yes/m.test(unit), "V8's JIT cannot run under MemoryDenyWriteExecute");
});

test('systemd-analyze security: exposure of the hardened unit is below 3.0 ("OK")', (t) => {
  const r = root({ withBinary: true });
  t.teardown(() => rmSync(r, { recursive: true, force: true }));
  const out = spawnSync('systemd-analyze', ['security', '--offline=yes', `--root=${r}`, '--no-pager', '/etc/systemd/system/dialtone.service'], {
    encoding: 'utf8',
  });
  const m = /Overall exposure level for dialtone\.service: ([\d.]+)/.exec(out.stdout + out.stderr);
  t.truthy(m, out.stdout + out.stderr);
  t.log(`exposure ${m![1]}`);
  t.true(Number(m![1]) < 3.0);
});
