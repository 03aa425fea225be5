import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../firmware-app/config.ts';
import type { DoctorContext } from '../../firmware-app/doctor/doctor.ts';
import { listenerFindings, resolutionFindings } from '../../firmware-app/doctor/internet-checks.ts';
import { MAIN_TS, REPO_ROOT } from '../helpers/daemon.ts';

const ctx = (over: Record<string, unknown>): DoctorContext => ({
  cfg: loadConfig(undefined, over),
  groups: [],
  uid: 1000,
  devDir: '/dev',
  sysfsGpio: '/sys/class/gpio',
});

test.serial('doctor, name resolution: a phone-book host that resolves is ok; one that does not is a failure with a fix', async (t) => {
  const c = ctx({ internet: { phonebook: { '5558000': { host: 'localhost' }, '5558001': { host: 'nosuch.invalid' } } } });
  const f = await resolutionFindings(c, (h) =>
    h === 'localhost' ? Promise.resolve('127.0.0.1') : Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
  );
  t.deepEqual(
    f.map((x) => x.verdict),
    ['ok', 'fail'],
  );
  t.is(f[0].what, 'localhost resolves to 127.0.0.1');
  t.regex(f[1].what, /nosuch\.invalid \(internet\.phonebook\) does not resolve: no such host/);
  t.regex(f[1].fix!, /spelling/);
  const real = await resolutionFindings(ctx({ internet: { phonebook: { '1': { host: 'localhost' } } } }));
  t.is(real[0].verdict, 'ok', `localhost through the system resolver (/etc/hosts): ${real[0].what}`);
});

test.serial('doctor, name resolution without a phone book: the name servers of resolv.conf, a warning without any', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-resolv-'));
  writeFileSync(join(dir, 'with'), '# test\nnameserver 127.0.0.53\noptions edns0\n');
  writeFileSync(join(dir, 'without'), '# nothing\n');
  const ok = await resolutionFindings(ctx({}), undefined, join(dir, 'with'));
  t.is(ok[0].verdict, 'ok');
  t.regex(ok[0].what, /name servers 127\.0\.0\.53/);
  const none = await resolutionFindings(ctx({}), undefined, join(dir, 'without'));
  t.is(none[0].verdict, 'warn');
  t.regex(none[0].fix!, /nameserver/);
});

test.serial('doctor, listener: a free port is ok; a port in use fails with a fix, and `dialtone doctor` exits 1', async (t) => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => holder.close());
  const used = (holder.address() as { port: number }).port;
  const free = await listenerFindings(ctx({ internet: { listen: { enabled: true, port: 0 } } }));
  t.is(free[0].verdict, 'ok');
  const busy = await listenerFindings(ctx({ internet: { listen: { enabled: true, port: used } } }));
  t.is(busy[0].verdict, 'fail');
  t.regex(busy[0].what, new RegExp(`cannot take calls on 127\\.0\\.0\\.1:${used} \\(EADDRINUSE\\)`));
  t.regex(busy[0].fix!, /internet\.listen\.port/);
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-doctor-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, stringify({ internet: { listen: { enabled: true, port: used } } }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN_TS, 'doctor', '--config', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  t.is(r.status, 1, r.stdout + r.stderr);
  t.regex(r.stdout + r.stderr, /\[FAIL\] internet: the Internet listener cannot take calls/);
  t.regex(r.stdout + r.stderr, /\[(ok {2}|warn)\] internet: (name servers|no name server)/);
});
