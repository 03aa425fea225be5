/**
 * The whole daemon's cost (issue 24): two Dialtone daemons in a V.22bis call with V.42bis (AT&Q5W1+MS=V22B), joined
 * through daemon A's simulated exchange (its channel model: AWGN at 30 dB, 300–3400 Hz, each way) and the
 * `dialtone ring --socket B --stdio` route (docs/contracts.md), behind frame-meter.ts, which counts the call's 20 ms
 * frames: the line time. Both terminals send English text (the GPL-3) continuously, so the line is full both ways.
 *
 * Measured over a window of wall time once both have said CONNECT 2400/ARQ/V42BIS and a few seconds have passed: each
 * daemon process's CPU (utime + stime from /proc/<pid>/stat), the line seconds the meter counted, and at the end its
 * peak resident set (VmHWM in /proc/<pid>/status, since start-up). line_s_per_cpu_s = line seconds / CPU seconds;
 * cpu_percent = CPU seconds / wall seconds (of one core): on the realtime clock, the load the daemon puts on the
 * machine at 2400 bit/s; on the fast clock the daemons run as fast as the lock step lets them, so there it is the
 * first figure that counts. Daemon A (caller) runs the exchange and both channel models besides its modem; B only
 * its modem. The `ring` and meter processes are not counted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { Daemon } from '../../helpers/daemon.ts';
import { dialtoneCommand, REPO_ROOT, shellQuote, startDaemon } from '../../helpers/daemon.ts';
import type { BenchCase, BenchRow } from '../row.ts';

const NUMBER = '5557024';
const TEXT = readFileSync('/usr/share/common-licenses/GPL-3');
const CLOCK_TICK = 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s on Linux
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, hence from the last ')'): utime is the 12th, stime 13th.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICK;
}

function peakRssBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** A terminal program that types text without end and counts what arrives (keeping nothing). */
async function chatter(path: string): Promise<{ received: () => number; stop: () => Promise<void> }> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((err) => (err ? rej(err) : res())));
  let received = 0;
  let running = true;
  port.on('data', (chunk: Buffer) => (received += chunk.length));
  port.on('error', () => {});
  const writer = (async () => {
    for (let at = 0; running; at = (at + 512) % (TEXT.length - 512)) {
      const chunk = TEXT.subarray(at, at + 512);
      await new Promise<void>((res) => port.write(chunk, () => res()));
      await new Promise<void>((res) => port.drain(() => res()));
    }
  })();
  return {
    received: () => received,
    stop: async () => {
      running = false;
      await Promise.race([writer, sleep(2000)]);
      await new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res()));
    },
  };
}

async function command(d: Daemon, at: string): Promise<void> {
  await d.term.write(`${at}\r`);
  await d.term.waitFor('OK\r\n', 20_000);
}

export async function measure(clock: 'fast' | 'realtime', windowS: number, settleS: number, nodeArgs: string[] = []): Promise<BenchRow[]> {
  const b = await startDaemon({ clock, nodeArgs, config: { modem: { modulation: 'v22bis' } } });
  const meter = join(b.dir, 'frames');
  const route = `${shellQuote(process.execPath)} --import tsx ${shellQuote(join(REPO_ROOT, 'test/interop/frame-meter.ts'))} ${shellQuote(meter)} -- ${dialtoneCommand('ring', '--socket', b.socket, '--stdio')}`;
  let a: Daemon | null = null;
  const talkers: { stop: () => Promise<void>; received: () => number }[] = [];
  try {
    a = await startDaemon({ clock, nodeArgs, config: { modem: { modulation: 'v22bis' }, exchange: { numbers: { [NUMBER]: { kind: 'program', command: route } } } } });
    await command(b, 'ATE0&Q5W1S0=1+MS=V22B');
    await command(a, 'ATE0&Q5W1+MS=V22B');
    await a.term.write(`ATDT${NUMBER}\r`);
    const want = /CONNECT [^\r]*\r\n|NO CARRIER\r\n/;
    const connects = [await a.term.waitFor(want, 180_000), await b.term.waitFor(want, 180_000)].map((s) => s.trim());
    if (!connects.every((c) => c === 'CONNECT 2400/ARQ/V42BIS')) throw new Error(`daemon bench: ${connects.join(', ')}\n${a.log()}`);
    await a.term.close();
    await b.term.close();
    talkers.push(await chatter(a.link), await chatter(b.link));
    await sleep(settleS * 1000);
    const frames = (): number => Number(readFileSync(meter, 'utf8'));
    const daemons = [
      { role: 'caller, with the exchange', pid: a.pid },
      { role: 'answerer', pid: b.pid },
    ];
    const f0 = frames();
    const c0 = daemons.map((d) => cpuSeconds(d.pid));
    const r0 = talkers.map((t) => t.received());
    const w0 = performance.now();
    await sleep(windowS * 1000);
    const wall = (performance.now() - w0) / 1000;
    const line = (frames() - f0) * 0.02;
    const c1 = daemons.map((d) => cpuSeconds(d.pid));
    const chars = talkers.map((t, i) => t.received() - r0[i]);
    return daemons.map((d, i) => {
      const cpu = c1[i] - c0[i];
      return {
        kind: 'daemon',
        modulation: 'v22bis',
        error_control: 'v42bis',
        clock,
        daemon: d.role,
        line_s_per_cpu_s: Math.round((line / cpu) * 10) / 10,
        cpu_percent: Math.round((cpu / wall) * 1000) / 10,
        rss_max_bytes: peakRssBytes(d.pid),
        seconds_line: Math.round(line * 10) / 10,
        seconds_wall: Math.round(wall * 10) / 10,
        seconds_cpu: cpu,
        // What this daemon's terminal received in the window (from the other side), characters per line second.
        cps_received: Math.round(chars[i] / line),
      };
    });
  } finally {
    for (const t of talkers) await t.stop();
    await a?.stop();
    await b.stop();
  }
}

const daemonThroughput: BenchCase = async ({ quick }) => [...(await measure('fast', quick ? 10 : 30, 3)), ...(await measure('realtime', quick ? 15 : 60, 5))];

export default daemonThroughput;
