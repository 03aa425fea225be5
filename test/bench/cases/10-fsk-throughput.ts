/**
 * CPU cost of a Dialtone FSK modem pair per second of line, beside spandsp 0.0.6 measured in the same run.
 *
 * Full duplex (V.21, Bell 103, V.23): both modulators (AsyncFramer → FskModulator) and both receivers
 * (FskDemodulator → AsyncDeframer, with the demodulator's sequence decisions as in the data pump), one 160-sample frame at a time, as the spandsp --throughput pair does.
 * Bell 202 (half duplex): one modulator and two receivers, as two stations hearing one line.
 * Random characters, 8N1, the transmit queues kept full after 200 ms of mark. x_realtime = line seconds / process
 * CPU seconds (process.cpuUsage, user + system, as spandsp's CLOCK_PROCESS_CPUTIME_ID; note that it includes V8's
 * compiler and GC threads); x_realtime_wall from process.hrtime. Both are medians of RUNS runs, and spandsp's
 * figure is the median of as many runs of its own --throughput pair (two modulators for Bell 202 as well).
 *
 * Heap growth: warm-up pairs first (so JIT and lazy allocations settle), forced GC, heapUsed; then the first
 * measured run on a fresh pair, forced GC, heapUsed again. The measured pair is built before the first heap
 * reading, so the figure is what the per-frame path allocates and keeps. The GC comes from `global.gc`
 * (node --expose-gc) or, failing that, from V8's flag set at run time; the `gc` field says which, or
 * 'unavailable' (then heap_growth_bytes is null).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FskDemodulator } from '../../../dsp/fsk/fsk-demodulator.ts';
import { FskModulator } from '../../../dsp/fsk/fsk-modulator.ts';
import { FSK_MODES } from '../../../dsp/fsk/specs.ts';
import type { FskChannel, FskModulation } from '../../../dsp/fsk/specs.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../../dsp/q15.ts';
import { AsyncDeframer } from '../../../dsp/uart/async-deframer.ts';
import { AsyncFramer } from '../../../dsp/uart/async-framer.ts';
import type { ByteSink } from '../../../dsp/uart/bit-source.ts';
import { randomBytes } from '../../helpers/random.ts';
import { spandspMedianThroughput } from '../../interop/spandsp.ts';
import type { BenchCase, BenchRow } from '../row.ts';
import { median } from '../row.ts';

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

const DATA_BYTES = 1 << 16;
/** 200 ms of mark before the first character, as a modem sends while the far end detects its carrier. */
const LEAD_IN_FRAMES = 10;

/** A transmitter whose queue is topped up from a random byte pool each frame. */
class Sender {
  readonly framer = new AsyncFramer();
  readonly mod: FskModulator;
  private pos = 0;
  private leadIn = LEAD_IN_FRAMES;

  constructor(
    channel: FskChannel,
    readonly data: Uint8Array,
  ) {
    this.mod = new FskModulator(channel, -10);
  }

  frame(out: Int16Array): void {
    const q = this.framer.queue;
    if (this.leadIn > 0) this.leadIn--;
    else if (q.length < 64) {
      const n = q.write(this.data, this.pos, Math.min(this.data.length, this.pos + 256));
      this.pos = (this.pos + n) % this.data.length;
    }
    this.mod.process(out, FRAME_SAMPLES, this.framer);
  }
}

/** A receiver that checks each character against what its far end sent. */
class Receiver implements ByteSink {
  readonly demod: FskDemodulator;
  readonly deframer: AsyncDeframer;
  received = 0;
  ok = 0;

  constructor(
    channel: FskChannel,
    private readonly expected: Uint8Array,
  ) {
    this.demod = new FskDemodulator(channel, { maxBlock: FRAME_SAMPLES });
    this.deframer = new AsyncDeframer(SAMPLE_RATE / channel.baud);
  }

  putByte(byte: number): void {
    if (this.expected[this.received++ % this.expected.length] === byte) this.ok++;
  }

  frame(rx: Int16Array): void {
    this.demod.process(rx, FRAME_SAMPLES);
    // As the data pump does: the demodulator's sequence decisions where they help (300 bit/s and up).
    const decider = this.demod.sequenceDetection ? this.demod : undefined;
    this.deframer.process(this.demod.decisions, FRAME_SAMPLES, this, decider, (this.demod.samples - FRAME_SAMPLES) | 0);
  }
}

interface Pair {
  /** One 20 ms frame of the whole call. */
  step(): void;
  charsOk(): number;
  charsReceived(): number;
}

function makePair(modulation: FskModulation): Pair {
  const mode = FSK_MODES[modulation];
  const callerData = randomBytes(DATA_BYTES, 1);
  const answererData = randomBytes(DATA_BYTES, 2);
  const fromCaller = new Int16Array(FRAME_SAMPLES);
  const fromAnswerer = new Int16Array(FRAME_SAMPLES);
  if (mode.halfDuplex) {
    const tx = new Sender(mode.caller, callerData);
    const rxA = new Receiver(mode.caller, callerData);
    const rxB = new Receiver(mode.caller, callerData);
    return {
      step: () => {
        tx.frame(fromCaller);
        rxA.frame(fromCaller);
        rxB.frame(fromCaller);
      },
      charsOk: () => rxA.ok + rxB.ok,
      charsReceived: () => rxA.received + rxB.received,
    };
  }
  const callerTx = new Sender(mode.caller, callerData);
  const answererTx = new Sender(mode.answerer, answererData);
  const answererRx = new Receiver(mode.caller, callerData);
  const callerRx = new Receiver(mode.answerer, answererData);
  return {
    step: () => {
      callerTx.frame(fromCaller);
      answererTx.frame(fromAnswerer);
      answererRx.frame(fromCaller);
      callerRx.frame(fromAnswerer);
    },
    charsOk: () => answererRx.ok + callerRx.ok,
    charsReceived: () => answererRx.received + callerRx.received,
  };
}

const FRAMES_PER_SECOND = SAMPLE_RATE / FRAME_SAMPLES;
const WARM_UP_RUNS = 3;
/** Each figure is the median of this many runs of `seconds` of line (one run is only tens of ms of CPU). */
const RUNS = 5;

function run(pair: Pair, seconds: number): { cpu: number; wall: number } {
  const frames = Math.round(seconds * FRAMES_PER_SECOND);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) pair.step();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall };
}

const fskThroughput: BenchCase = async ({ quick }) => {
  const seconds = quick ? 10 : 60;
  const { gc, source } = findGc();
  const rows: BenchRow[] = [];
  for (const modulation of ['v21', 'bell103', 'v23', 'bell202'] as const) {
    for (let i = 0; i < WARM_UP_RUNS; i++) run(makePair(modulation), seconds); // so that the optimising compiler has run
    const pair = makePair(modulation);
    fullGc(gc);
    const heapBefore = process.memoryUsage().heapUsed;
    const times = [run(pair, seconds)];
    fullGc(gc);
    const heapAfter = process.memoryUsage().heapUsed;
    for (let i = 1; i < RUNS; i++) times.push(run(pair, seconds));
    const cpu = median(times.map((t) => t.cpu));
    const wall = median(times.map((t) => t.wall));
    const x = seconds / cpu;
    const spandspX = await spandspMedianThroughput(modulation, seconds, RUNS);
    rows.push({
      kind: 'throughput',
      modulation,
      implementation: 'dialtone',
      x_realtime: Math.round(x * 10) / 10,
      x_realtime_wall: Math.round((seconds / wall) * 10) / 10,
      seconds_line: seconds,
      seconds_cpu: Math.round(cpu * 1e4) / 1e4,
      runs: RUNS,
      heap_growth_bytes: gc ? heapAfter - heapBefore : null,
      gc: source,
      chars_ok: pair.charsOk(),
      chars_received: pair.charsReceived(),
      spandsp_x_realtime: spandspX,
      ratio_to_spandsp: Math.round((x / spandspX) * 1000) / 1000,
    });
  }
  return rows;
};

export default fskThroughput;
