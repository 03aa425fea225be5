/**
 * CPU cost of a Dialtone V.22 / V.22bis pump pair per second of line, beside spandsp 0.0.6's V.22bis pair measured
 * in the same run (test/interop/spandsp-modem.c --throughput --modem v22|v22bis).
 *
 * Both sides are complete data pumps (V22bisDataPump: handshake, scrambler, modulator, demodulator with AGC,
 * timing, equaliser and carrier loops, async framing), joined back to back, one 160-sample frame at a time, random
 * characters both ways with the transmit queues kept full. The answer tone is left out (answerToneMs 0), as the
 * spandsp pair starts at its own handshake. x_realtime = line seconds / process CPU seconds (process.cpuUsage, user +
 * system, as spandsp's CLOCK_PROCESS_CPUTIME_ID); medians of RUNS runs each, after warm-up runs.
 */
import { FRAME_SAMPLES } from '../../../dsp/q15.ts';
import { V22bisDataPump } from '../../../dsp/qam/v22bis-pump.ts';
import { randomBytes } from '../../helpers/random.ts';
import { spandspMedianThroughput } from '../../interop/spandsp.ts';
import type { BenchCase, BenchRow } from '../row.ts';
import { median } from '../row.ts';

const RUNS = 3;
const WARM_UP_RUNS = 2;

interface Pair {
  step(): void;
  caller: V22bisDataPump;
  answerer: V22bisDataPump;
  ok(): number;
  received(): number;
}

function makePair(maxRate: 1200 | 2400): Pair {
  const caller = new V22bisDataPump('caller', { maxRate });
  const answerer = new V22bisDataPump('answerer', { maxRate, answerToneMs: 0 });
  const data = [randomBytes(1 << 14, 1), randomBytes(1 << 14, 2)];
  const pos = [0, 0];
  const rxPos = [0, 0];
  let ok = 0;
  let received = 0;
  const cTx = new Int16Array(FRAME_SAMPLES);
  const aTx = new Int16Array(FRAME_SAMPLES);
  const feed = (p: V22bisDataPump, k: number): void => {
    if (p.state !== 'connected' || p.tx.queue.length >= 64) return;
    const n = p.tx.queue.write(data[k], pos[k], Math.min(data[k].length, pos[k] + 256));
    pos[k] = (pos[k] + n) % data[k].length;
  };
  const drain = (p: V22bisDataPump, k: number): void => {
    // Characters from the other side, k: compared against its data in order.
    for (let b = p.rx.shift(); b >= 0; b = p.rx.shift()) {
      received++;
      if (data[k][rxPos[k]++ % data[k].length] === b) ok++;
    }
  };
  return {
    caller,
    answerer,
    step: () => {
      feed(caller, 0);
      feed(answerer, 1);
      caller.process(aTx, cTx);
      answerer.process(cTx, aTx);
      drain(caller, 1);
      drain(answerer, 0);
    },
    ok: () => ok,
    received: () => received,
  };
}

function run(pair: Pair, seconds: number): number {
  const frames = Math.round(seconds * 50);
  const c0 = process.cpuUsage();
  for (let i = 0; i < frames; i++) pair.step();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

const qamThroughput: BenchCase = async ({ quick }) => {
  const seconds = quick ? 10 : 60;
  const rows: BenchRow[] = [];
  for (const [modulation, rate] of [
    ['v22', 1200],
    ['v22bis', 2400],
  ] as const) {
    for (let i = 0; i < WARM_UP_RUNS; i++) run(makePair(rate), seconds);
    const times: number[] = [];
    let last: Pair | null = null;
    for (let i = 0; i < RUNS; i++) {
      last = makePair(rate);
      times.push(run(last, seconds));
    }
    const cpu = median(times);
    const x = seconds / cpu;
    const spandspX = await spandspMedianThroughput(modulation, seconds, RUNS);
    rows.push({
      kind: 'throughput',
      modulation,
      implementation: 'dialtone',
      x_realtime: Math.round(x * 10) / 10,
      seconds_line: seconds,
      seconds_cpu: Math.round(cpu * 1e4) / 1e4,
      runs: RUNS,
      connect_rate: last!.caller.connectRate,
      chars_ok: last!.ok(),
      chars_received: last!.received(),
      spandsp_x_realtime: spandspX,
      ratio_to_spandsp: Math.round((x / spandspX) * 1000) / 1000,
    });
  }
  return rows;
};

export default qamThroughput;
