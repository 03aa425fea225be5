/**
 * One daemon per port (issue 18): a second daemon started with the first one's state directory, link and control
 * socket is refused with a clear message and exit status 75 before it touches anything; the first keeps answering
 * AT on its link and calls on its control socket after the second has exited; `dialtone doctor` names the running
 * daemon's PID.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { MAIN_TS, REPO_ROOT, startDaemon } from '../helpers/daemon.ts';

function ringOnce(socket: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socket);
    s.on('error', reject);
    s.on('connect', () => s.write(`${JSON.stringify({ ring: { from: '5550123' } })}\n`));
    // The daemon does not answer by itself (S0=0): the caller gives up after the first RING.
    setTimeout(() => {
      s.destroy();
      resolve('rang');
    }, 1500);
  });
}

test('a second daemon with the same defaults is refused; the first keeps its link, its socket and its calls', async (t) => {
  const d = await startDaemon();
  t.teardown(d.stop);
  const env = { ...process.env, STATE_DIRECTORY: join(d.dir, 'state') };
  const target = readlinkSync(d.link);
  const second = spawnSync(
    process.execPath,
    ['--import', 'tsx', MAIN_TS, '--clock', 'fast', '--link', d.link, '--socket', d.socket, '--config', d.configPath],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env,
    },
  );
  t.is(second.status, 75, second.stderr);
  t.regex(
    second.stderr,
    new RegExp(`dialtone: not started: the state directory .* is in use by another Dialtone daemon \\(PID ${d.pid}, lock .*dialtone\\.pid\\)`),
  );
  t.regex(second.stderr, /Stop that daemon first/);
  t.notRegex(second.stdout, /Dialtone ready/);
  t.notRegex(second.stderr, /address in use|EADDRINUSE|\n\s+at /, 'nothing was opened, and no stack trace');
  t.is(readlinkSync(d.link), target, 'the link still points at the first daemon’s pseudo-terminal');
  t.true(existsSync(d.socket), 'the control socket is still there');
  t.is(Number(readFileSync(join(d.dir, 'state', 'dialtone.pid'), 'latin1').trim()), d.pid, 'the lock still names the first daemon');
  await d.term.write('AT\r');
  await d.term.waitFor('OK\r\n', 10_000);
  await ringOnce(d.socket);
  await d.term.waitFor('RING', 10_000);

  const doc = spawnSync(process.execPath, ['--import', 'tsx', MAIN_TS, 'doctor'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env });
  t.regex(doc.stdout, new RegExp(`\\[warn\\] daemon: a Dialtone daemon is running \\(PID ${d.pid}\\) and holds the state directory`));
});

test('a lock left by a daemon that died is stale: the next daemon takes it over', async (t) => {
  const first = await startDaemon();
  t.teardown(first.stop);
  // SIGKILL: no clean-up runs, the lock files stay behind with a dead PID.
  process.kill(first.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  t.true(existsSync(join(first.dir, 'state', 'dialtone.pid')));
  const again = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN_TS, '--clock', 'fast', '--link', first.link, '--socket', first.socket, '--config', first.configPath],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STATE_DIRECTORY: join(first.dir, 'state') },
    },
  );
  const exited = new Promise<number | null>((r) => again.once('exit', (code) => r(code)));
  t.teardown(() => {
    again.kill('SIGKILL');
  });
  let out = '';
  again.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 60_000);
    again.stdout.on('data', (s: string) => {
      out += s;
      if (out.includes('Dialtone ready.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}`)));
  });
  t.is(Number(readFileSync(join(first.dir, 'state', 'dialtone.pid'), 'latin1').trim()), again.pid!);
  again.kill('SIGTERM');
  t.is(await exited, 0);
  t.false(existsSync(join(first.dir, 'state', 'dialtone.pid')), 'a clean exit gives the lock back');
  t.false(existsSync(first.socket), 'and removes its own socket');
});
