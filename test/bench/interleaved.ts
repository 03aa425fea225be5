/**
 * Dialtone's pump pairs against spandsp's, interleaved in one run: for each pair, warm-up runs first (so that the
 * optimising compiler has run), then RUNS rounds of one Dialtone run and one spandsp run, alternately, so that both
 * meet the same machine load; the figures are the medians. x_realtime = line seconds / CPU seconds (Dialtone:
 * process.cpuUsage around the frame loop, user + system, which includes V8's compiler and GC threads; spandsp:
 * CLOCK_PROCESS_CPUTIME_ID around its loop). The QAM pairs start from a fresh pair each run (their handshake is part
 * of the work, as it is in spandsp's run); the FSK pairs too.
 *
 * Heap growth per 1,000 s of line: a fresh pair run for heapSeconds of line (past its handshake and the JIT's
 * one-time growth), a forced GC and heapUsed; then heapSeconds more of line, a forced GC and heapUsed again, scaled
 * to 1,000 s. The GC comes from `global.gc` (node --expose-gc) or, failing that, from V8's flag set at run time; the `gc` field says which, or 'unavailable'
 * (then heap_growth_bytes is null).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { spandspThroughput } from '../interop/spandsp.ts';
import { makePair, runPair, SPANDSP_PEER } from './pump-pairs.ts';
import type { BenchPair, PairName } from './pump-pairs.ts';
import type { BenchRow } from './row.ts';
import { median } from './row.ts';

type GcSource = 'global.gc' | 'v8-flag' | 'unavailable';

function findGc(): { gc: (() => void) | null; source: GcSource } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return { gc: g, source: 'global.gc' };
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    if (typeof fn === 'function') return { gc: fn as () => void, source: 'v8-flag' };
  } catch {
    // fall through
  }
  return { gc: null, source: 'unavailable' };
}

/** Several collections, so that objects freed by finalisation and weak references are gone too. */
function fullGc(gc: (() => void) | null): void {
  for (let i = 0; i < 3; i++) gc?.();
}

function heapGrowthPer1000s(name: PairName, lineSeconds: number, gc: (() => void) | null): number | null {
  if (gc === null) return null;
  const pair = makePair(name);
  // First as long a run as the measured one: past the QAM handshake, and past the one-time growth of the first
  // runs (V8's type feedback and optimised code for the new pair's paths, about 16–26 KB), which is not per frame.
  runPair(pair, lineSeconds);
  fullGc(gc);
  const before = process.memoryUsage().heapUsed;
  runPair(pair, lineSeconds);
  fullGc(gc);
  const after = process.memoryUsage().heapUsed;
  return Math.round(((after - before) * 1000) / lineSeconds);
}

export interface InterleaveOptions {
  /** Line seconds per run. */
  seconds: number;
  runs: number;
  warmUpRuns: number;
  /** Line seconds of the heap measurement. */
  heapSeconds: number;
}

export async function interleavedRows(names: readonly PairName[], o: InterleaveOptions): Promise<BenchRow[]> {
  const { gc, source } = findGc();
  const rows: BenchRow[] = [];
  for (const name of names) {
    for (let i = 0; i < o.warmUpRuns; i++) runPair(makePair(name), o.seconds);
    const ours: number[] = [];
    const theirs: number[] = [];
    let last: BenchPair | null = null;
    let spandspOk = 0;
    for (let i = 0; i < o.runs; i++) {
      last = makePair(name);
      ours.push(o.seconds / runPair(last, o.seconds));
      const s = await spandspThroughput(SPANDSP_PEER[name], o.seconds);
      theirs.push(s.seconds_line / s.seconds_cpu);
      spandspOk = s.chars_ok;
    }
    const x = median(ours);
    const spandspX = median(theirs);
    rows.push({
      kind: 'throughput',
      modulation: name,
      implementation: 'dialtone',
      x_realtime: Math.round(x * 10) / 10,
      spandsp_x_realtime: Math.round(spandspX * 10) / 10,
      ratio_to_spandsp: Math.round((x / spandspX) * 1000) / 1000,
      spandsp_pair: SPANDSP_PEER[name],
      seconds_line: o.seconds,
      runs: o.runs,
      x_realtime_min: Math.round(Math.min(...ours) * 10) / 10,
      x_realtime_max: Math.round(Math.max(...ours) * 10) / 10,
      heap_growth_bytes: heapGrowthPer1000s(name, o.heapSeconds, gc),
      heap_growth_per_line_s: 1000,
      gc: source,
      connect_rate: last!.connectRate(),
      chars_ok: last!.charsOk(),
      chars_received: last!.charsReceived(),
      spandsp_chars_ok: spandspOk,
    });
  }
  return rows;
}
