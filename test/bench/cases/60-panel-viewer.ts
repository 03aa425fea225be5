/**
 * The web panel's cost (issue 11): the whole modem (PTY, AT interpreter, V.22bis pump, simulated exchange with the
 * far V.22bis modem and its echo host, channel models both ways) running a 2400 bit/s call with data flowing both
 * ways, in one process on the fast clock, with and without a viewer connected to the panel (an SSE client reading
 * /api/events, in the same process, so its parsing is counted too). x_realtime = line seconds / process CPU
 * seconds over a window of wall time (the viewer's cost comes per wall second: four snapshots); the two are measured
 * alternately, RUNS windows each, and the medians compared (drop_percent; the target is under 5 %).
 *
 * Memory: one call of an hour of line time (--quick: ten minutes) with a viewer connected all along; heapUsed after a
 * forced GC every simulated five minutes. heap_growth_bytes is the last sample minus the one at five minutes (after
 * warm-up), and heap_slope_bytes_per_min the least-squares slope over all samples from five minutes on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import type { ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SerialPort } from 'serialport';
import { loadConfig } from '../../../firmware-app/config.ts';
import { FrameClock } from '../../../firmware-app/frame-clock.ts';
import { Modem } from '../../../firmware-app/modem.ts';
import { startPanel } from '../../../firmware-app/panel/index.ts';
import { SimulatedExchange } from '../../../hal/line/simulated-exchange.ts';
import { PtyPort } from '../../../hal/serial/pty-port.ts';
import type { BenchCase, BenchRow } from '../row.ts';
import { median } from '../row.ts';

const RUNS = 5;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function forceGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

interface Rig {
  modem: Modem;
  clock: FrameClock;
  url: string;
  received: () => number;
  close: () => Promise<void>;
}

/** The modem in a V.22bis call to the echo host, a terminal keeping 512 bytes in flight (received bytes counted). */
async function callRig(): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-bench-'));
  const cfg = loadConfig(undefined, { panel: { port: 0 } });
  const port = new PtyPort(join(dir, 'modem'));
  const exchange = new SimulatedExchange({ ...cfg.exchange, answerToneMs: cfg.modem.answerToneMs, log: () => {} });
  const clock = new FrameClock('fast');
  const modem = new Modem({ port, line: exchange, clock, log: () => {}, stateDir: join(dir, 'state'), modulation: 'v22bis' });
  const panel = await startPanel({
    cfg,
    configPath: null,
    modem,
    stateDir: join(dir, 'state'),
    dte: { port: port.name, speed: null },
    lineMs: () => clock.lineMs,
    log: () => {},
  });
  const term = new SerialPort({ path: join(dir, 'modem'), baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => term.open((e) => (e ? rej(e) : res())));
  let text = '';
  let received = 0;
  let sent = 0;
  let online = false;
  const chunk = Buffer.alloc(256, 'U');
  const feed = (): void => {
    while (online && sent - received < 512) {
      term.write(chunk);
      sent += chunk.length;
    }
  };
  term.on('data', (d: Buffer) => {
    if (online) {
      received += d.length;
      feed();
    } else text += d.toString('latin1');
  });
  term.write('ATDT5552400\r');
  for (let i = 0; !/CONNECT 2400/.test(text); i++) {
    if (i > 3000) throw new Error(`no CONNECT 2400: ${text}`);
    await sleep(10);
  }
  online = true;
  feed();
  return {
    modem,
    clock,
    url: panel.url!,
    received: () => received,
    close: async () => {
      modem.close();
      panel.close();
      await new Promise<void>((r) => term.close(() => r()));
      port.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A viewer: the panel's event stream, read and parsed as the page would. Returns a function that disconnects. */
async function connectViewer(url: string): Promise<{ snapshots: () => number; close: () => void }> {
  let snapshots = 0;
  let pending = '';
  const req: ClientRequest = get(`${url}api/events`, (res) => {
    res.setEncoding('utf8');
    res.on('data', (s: string) => {
      pending += s;
      for (let i = pending.indexOf('\n\n'); i >= 0; i = pending.indexOf('\n\n')) {
        const ev = pending.slice(0, i);
        pending = pending.slice(i + 2);
        const data = /^data: (.*)$/m.exec(ev);
        if (data) {
          JSON.parse(data[1]);
          snapshots++;
        }
      }
    });
  });
  req.on('error', () => {});
  await sleep(300);
  return { snapshots: () => snapshots, close: () => req.destroy() };
}

/** Line seconds per CPU second over `wallS` seconds (the viewer's cost is per wall second: four snapshots). */
async function measure(rig: Rig, wallS: number): Promise<{ x: number; lineS: number }> {
  const ms0 = rig.clock.lineMs;
  const c0 = process.cpuUsage();
  await sleep(wallS * 1000);
  const c = process.cpuUsage(c0);
  const lineS = (rig.clock.lineMs - ms0) / 1000;
  return { x: lineS / ((c.user + c.system) / 1e6), lineS };
}

async function throughput(quick: boolean): Promise<BenchRow[]> {
  const rig = await callRig();
  const wallS = quick ? 3 : 10;
  await measure(rig, 2); // warm-up
  const without: number[] = [];
  const withViewer: number[] = [];
  let snapshots = 0;
  let lineS = 0;
  for (let r = 0; r < RUNS; r++) {
    const a = await measure(rig, wallS);
    without.push(a.x);
    const viewer = await connectViewer(rig.url);
    const b = await measure(rig, wallS);
    withViewer.push(b.x);
    lineS += a.lineS + b.lineS;
    snapshots += viewer.snapshots();
    viewer.close();
    await sleep(300);
  }
  const state = rig.modem.state;
  const bytes = rig.received();
  await rig.close();
  const a = median(without);
  const b = median(withViewer);
  const base = {
    kind: 'panel',
    modulation: 'v22bis',
    seconds_wall_each: wallS,
    seconds_line_all: Math.round(lineS),
    runs: RUNS,
    state_at_end: state,
    bytes_echoed: bytes,
  };
  return [
    { ...base, viewer: false, x_realtime: Math.round(a * 10) / 10, drop_percent: 0, snapshots: 0 },
    { ...base, viewer: true, x_realtime: Math.round(b * 10) / 10, drop_percent: Math.round(((a - b) / a) * 1000) / 10, snapshots },
  ];
}

async function memory(quick: boolean): Promise<BenchRow> {
  const gc = forceGc();
  const rig = await callRig();
  const viewer = await connectViewer(rig.url);
  const minutes = quick ? 10 : 60;
  const samples: { min: number; heap: number }[] = [];
  const t0 = rig.clock.lineMs;
  let rssMax = 0;
  for (let min = 5; min <= minutes; min += 5) {
    while (rig.clock.lineMs - t0 < min * 60_000) await sleep(50);
    gc?.();
    samples.push({ min, heap: process.memoryUsage().heapUsed });
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
  }
  const state = rig.modem.state;
  const snapshots = viewer.snapshots();
  viewer.close();
  await rig.close();
  const n = samples.length;
  const mx = samples.reduce((s, p) => s + p.min, 0) / n;
  const my = samples.reduce((s, p) => s + p.heap, 0) / n;
  const slope =
    samples.reduce((s, p) => s + (p.min - mx) * (p.heap - my), 0) /
    Math.max(
      1e-9,
      samples.reduce((s, p) => s + (p.min - mx) ** 2, 0),
    );
  return {
    kind: 'panel-memory',
    modulation: 'v22bis',
    viewer: true,
    minutes_line: minutes,
    state_at_end: state,
    snapshots,
    gc: gc ? 'forced' : 'unavailable',
    heap_first_bytes: samples[0].heap,
    heap_last_bytes: samples[n - 1].heap,
    heap_growth_bytes: samples[n - 1].heap - samples[0].heap,
    heap_slope_bytes_per_min: Math.round(slope),
    rss_max_bytes: rssMax,
  };
}

const panelViewer: BenchCase = async ({ quick }) => [...(await throughput(quick)), await memory(quick)];

export default panelViewer;
