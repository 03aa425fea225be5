/**
 * A file by ZMODEM between two Dialtone daemons over V.21: lrzsz's `sz` on daemon A's terminal, `rz` on daemon
 * B's. B listens on its control socket and answers by S0=1; A's exchange routes a number to
 * `dialtone ring --socket <B> --stdio` (through frame-meter.ts, which counts the call's 20 ms frames so that the
 * transfer's line time is known on the fast clock). 64 KiB of seeded random bytes; the files must be equal, and
 * the characters per second achieved on the line are logged against V.21's 30 char/s (8N1 at 300 bit/s).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialtoneCommand, REPO_ROOT, shellQuote, startDaemon } from '../helpers/daemon.ts';
import { randomBytes } from '../helpers/random.ts';

const SIZE = 64 * 1024;
const LINE_CPS = 30;
const NUMBER = '5557000';

function run(command: string, cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-20000)));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('ZMODEM: 64 KiB from sz on one daemon to rz on another over V.21, files equal', async (t) => {
  t.timeout(20 * 60_000);
  const b = await startDaemon({ config: { modem: { modulation: 'v21' } } });
  t.teardown(b.stop);
  const meter = join(b.dir, 'frames');
  const route = `${shellQuote(process.execPath)} --import tsx ${shellQuote(join(REPO_ROOT, 'test/interop/frame-meter.ts'))} ${shellQuote(meter)} -- ${dialtoneCommand('ring', '--socket', b.socket, '--stdio')}`;
  const a = await startDaemon({ config: { modem: { modulation: 'v21' }, exchange: { numbers: { [NUMBER]: { kind: 'program', command: route } } } } });
  t.teardown(a.stop);

  await b.term.write('ATE0S0=1\r');
  await b.term.waitFor('OK\r\n', 10_000);
  await a.term.write('ATE0\r');
  await a.term.waitFor('OK\r\n', 10_000);
  await a.term.write(`ATDT${NUMBER}\r`);
  t.is(await a.term.waitFor(/CONNECT( \d+)?\r\n/, 120_000), 'CONNECT 300\r\n');
  t.is(await b.term.waitFor(/CONNECT( \d+)?\r\n/, 120_000), 'CONNECT 300\r\n');
  // sz and rz take the terminals over.
  await a.term.close();
  await b.term.close();

  const sendDir = join(a.dir, 'send');
  const recvDir = join(b.dir, 'recv');
  mkdirSync(sendDir);
  mkdirSync(recvDir);
  const payload = Buffer.from(randomBytes(SIZE, 0x2d0d));
  writeFileSync(join(sendDir, 'payload.bin'), payload);
  const frames = (): number => Number(readFileSync(meter, 'utf8'));
  const f0 = frames();
  const w0 = Date.now();
  const [rz, sz] = await Promise.all([
    run(`rz -vv -y < ${shellQuote(b.link)} > ${shellQuote(b.link)}`, recvDir),
    run(`sz -vv payload.bin < ${shellQuote(a.link)} > ${shellQuote(a.link)}`, sendDir),
  ]);
  const lineSeconds = (frames() - f0) * 0.02;
  const wall = (Date.now() - w0) / 1000;
  t.is(sz.code, 0, sz.stderr);
  t.is(rz.code, 0, rz.stderr);
  const got = readFileSync(join(recvDir, 'payload.bin'));
  t.is(got.length, SIZE);
  t.is(sha256(got), sha256(payload));
  const cps = SIZE / lineSeconds;
  t.log(
    `ZMODEM over V.21: ${SIZE} bytes in ${lineSeconds.toFixed(1)} s of line time (${wall.toFixed(1)} s wall): ` +
      `${cps.toFixed(2)} char/s, ${((100 * cps) / LINE_CPS).toFixed(1)} % of the ${LINE_CPS} char/s line rate`,
  );
});
