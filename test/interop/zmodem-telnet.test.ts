/**
 * ZMODEM across a telnet link, both ways: lrzsz on the daemon's DTE pseudo-terminal, and rz or sz as the login
 * program of a real telnet server (inetutils-telnetd, test/helpers/telnetd.ts) on 127.0.0.1. 256 KiB of seeded
 * random bytes each way; the files must be equal. The throughput is logged (the PTY has no speed: not paced).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote, startDaemon } from '../helpers/daemon.ts';
import { randomBytes } from '../helpers/random.ts';
import { loginScript, startTelnetd, TELNETD } from '../helpers/telnetd.ts';

const SIZE = 256 * 1024;

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

for (const direction of ['to the host', 'from the host'] as const) {
  test.serial(`ZMODEM over telnet ${direction}: 256 KiB byte-exact between sz/rz on the DTE and rz/sz behind telnetd`, async (t) => {
    if (!TELNETD) return t.fail('telnetd (inetutils-telnetd) is not installed: run npm run setup:test');
    t.timeout(5 * 60_000);
    const d = await startDaemon();
    t.teardown(d.stop);
    const sendDir = join(d.dir, 'send');
    const recvDir = join(d.dir, 'recv');
    mkdirSync(sendDir);
    mkdirSync(recvDir);
    const payload = Buffer.from(randomBytes(SIZE, direction === 'to the host' ? 0x7e1 : 0x7e2));
    writeFileSync(join(sendDir, 'payload.bin'), payload);
    const hostSide = direction === 'to the host' ? `cd ${shellQuote(recvDir)} && exec rz -y` : `cd ${shellQuote(sendDir)} && exec sz payload.bin`;
    const server = await startTelnetd(t, loginScript(join(d.dir, 'login'), hostSide));

    await d.term.write('ATE0\r');
    await d.term.waitFor('OK\r\n', 10_000);
    await d.term.write(`ATDT127.0.0.1:${server.port}\r`);
    t.is(await d.term.waitFor(/CONNECT( \d+)?\r\n/, 30_000), 'CONNECT 115200\r\n');
    await d.term.close();
    const w0 = Date.now();
    const dte = direction === 'to the host' ? `sz -vv payload.bin` : `rz -vv -y`;
    const result = await run(`${dte} < ${shellQuote(d.link)} > ${shellQuote(d.link)}`, direction === 'to the host' ? sendDir : recvDir);
    const wall = (Date.now() - w0) / 1000;
    t.is(result.code, 0, `${result.stderr}\n${server.stderr()}\n${d.log().slice(-3000)}`);
    const got = readFileSync(join(recvDir, 'payload.bin'));
    t.is(got.length, SIZE);
    t.is(sha256(got), sha256(payload));
    // The programs' own figure (lrzsz -vv: bytes per second during the transfer), and the wall time to their exit,
    // which for rz includes its wait for the far end's last "OO" after the call has ended.
    const bps = [...result.stderr.matchAll(/BPS:(\d+)/g)].at(-1)?.[1];
    t.log(
      `ZMODEM over telnet ${direction}: ${SIZE} bytes, ${bps ? `${(Number(bps) / 1024).toFixed(0)} KiB/s by lrzsz's count, ` : ''}${wall.toFixed(1)} s wall to the DTE program's exit`,
    );
  });
}
