/**
 * The modem pairs the throughput bench times and the bit-exactness test (test/dsp/pump-bit-exact.test.ts) pins: one
 * 20 ms frame of a whole call per step(), random characters both ways with the transmit queues kept full.
 *
 * FSK full duplex (V.21, Bell 103, V.23): both modulators (AsyncFramer → FskModulator) and both receivers
 * (FskDemodulator → AsyncDeframer, with the demodulator's sequence decisions as in the data pump), as spandsp's
 * --throughput pair does. Bell 202 (half duplex): one modulator and two receivers, as two stations hearing one line.
 * The transmitters send 200 ms of mark before the first character.
 *
 * QAM (V.22, Bell 212A, V.22bis): two complete V22bisDataPumps (handshake, scrambler, modulator, demodulator with AGC,
 * timing, equaliser and carrier loops, async framing) back to back, no answer tone (the spandsp pair starts at its own
 * handshake). Bell 212A: the answerer sends the 2225 Hz tone and the caller takes the Bell path on hearing it.
 *
 * A probe, when given, sees every transmitted frame and every received character; the bench gives none.
 */
import { FskDemodulator } from '../../dsp/fsk/fsk-demodulator.ts';
import { FskModulator } from '../../dsp/fsk/fsk-modulator.ts';
import { FSK_MODES } from '../../dsp/fsk/specs.ts';
import type { FskChannel, FskModulation } from '../../dsp/fsk/specs.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../dsp/q15.ts';
import { V22bisDataPump } from '../../dsp/qam/v22bis-pump.ts';
import { AsyncDeframer } from '../../dsp/uart/async-deframer.ts';
import { AsyncFramer } from '../../dsp/uart/async-framer.ts';
import type { ByteSink } from '../../dsp/uart/bit-source.ts';
import { randomBytes } from '../helpers/random.ts';
import type { SpandspFamily, SpandspQamModem } from '../interop/spandsp.ts';

export type PairName = FskModulation | 'v22' | 'bell212a' | 'v22bis';
export const PAIR_NAMES: readonly PairName[] = ['v21', 'bell103', 'v23', 'bell202', 'v22', 'bell212a', 'v22bis'];

/**
 * spandsp's pair each of ours is measured against. spandsp has no Bell 212A: its V.22 pair (the same 1200 bit/s
 * modulation; only the handshake's tones differ) stands in.
 */
export const SPANDSP_PEER: Record<PairName, SpandspFamily | SpandspQamModem> = {
  v21: 'v21',
  bell103: 'bell103',
  v23: 'v23',
  bell202: 'bell202',
  v22: 'v22',
  bell212a: 'v22',
  v22bis: 'v22bis',
};

/** What a probe is shown: each transmitted frame (direction 0: caller's, 1: answerer's) and each received byte. */
export interface PairProbe {
  tx(direction: number, frame: Int16Array): void;
  rx(receiver: number, byte: number): void;
  /** The line: changes a transmitted frame in place (after tx saw it) before it is received. */
  line?(direction: number, frame: Int16Array): void;
}

export interface BenchPair {
  /** One 20 ms frame of the whole call. */
  step(): void;
  charsOk(): number;
  charsReceived(): number;
  /** QAM: the rate the caller connected at (0 before); FSK: null. */
  connectRate(): number | null;
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
    private readonly probe: PairProbe | null,
    private readonly index: number,
  ) {
    this.demod = new FskDemodulator(channel, { maxBlock: FRAME_SAMPLES });
    this.deframer = new AsyncDeframer(SAMPLE_RATE / channel.baud);
  }

  putByte(byte: number): void {
    if (this.expected[this.received++ % this.expected.length] === byte) this.ok++;
    if (this.probe !== null) this.probe.rx(this.index, byte);
  }

  frame(rx: Int16Array): void {
    this.demod.process(rx, FRAME_SAMPLES);
    // As the data pump does: the demodulator's sequence decisions where they help (300 bit/s and up).
    const decider = this.demod.sequenceDetection ? this.demod : undefined;
    this.deframer.process(this.demod.decisions, FRAME_SAMPLES, this, decider, (this.demod.samples - FRAME_SAMPLES) | 0);
  }
}

function fskPair(modulation: FskModulation, probe: PairProbe | null): BenchPair {
  const mode = FSK_MODES[modulation];
  const callerData = randomBytes(DATA_BYTES, 1);
  const answererData = randomBytes(DATA_BYTES, 2);
  const fromCaller = new Int16Array(FRAME_SAMPLES);
  const fromAnswerer = new Int16Array(FRAME_SAMPLES);
  if (mode.halfDuplex) {
    const tx = new Sender(mode.caller, callerData);
    const rxA = new Receiver(mode.caller, callerData, probe, 0);
    const rxB = new Receiver(mode.caller, callerData, probe, 1);
    return {
      step: () => {
        tx.frame(fromCaller);
        if (probe !== null) {
          probe.tx(0, fromCaller);
          probe.line?.(0, fromCaller);
        }
        rxA.frame(fromCaller);
        rxB.frame(fromCaller);
      },
      charsOk: () => rxA.ok + rxB.ok,
      charsReceived: () => rxA.received + rxB.received,
      connectRate: () => null,
    };
  }
  const callerTx = new Sender(mode.caller, callerData);
  const answererTx = new Sender(mode.answerer, answererData);
  const answererRx = new Receiver(mode.caller, callerData, probe, 1);
  const callerRx = new Receiver(mode.answerer, answererData, probe, 0);
  return {
    step: () => {
      callerTx.frame(fromCaller);
      answererTx.frame(fromAnswerer);
      if (probe !== null) {
        probe.tx(0, fromCaller);
        probe.tx(1, fromAnswerer);
        probe.line?.(0, fromCaller);
        probe.line?.(1, fromAnswerer);
      }
      answererRx.frame(fromCaller);
      callerRx.frame(fromAnswerer);
    },
    charsOk: () => answererRx.ok + callerRx.ok,
    charsReceived: () => answererRx.received + callerRx.received,
    connectRate: () => null,
  };
}

function qamPair(name: 'v22' | 'bell212a' | 'v22bis', probe: PairProbe | null): BenchPair {
  const maxRate = name === 'v22bis' ? 2400 : 1200;
  const caller = new V22bisDataPump('caller', { maxRate });
  const answerer = new V22bisDataPump('answerer', { maxRate, answerToneMs: 0, bell: name === 'bell212a' });
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
  const drain = (p: V22bisDataPump, k: number, receiver: number): void => {
    // Characters from the other side, k: compared against its data in order.
    for (let b = p.rx.shift(); b >= 0; b = p.rx.shift()) {
      received++;
      if (data[k][rxPos[k]++ % data[k].length] === b) ok++;
      if (probe !== null) probe.rx(receiver, b);
    }
  };
  return {
    step: () => {
      feed(caller, 0);
      feed(answerer, 1);
      caller.process(aTx, cTx);
      if (probe !== null) {
        probe.tx(0, cTx);
        probe.line?.(0, cTx);
      }
      answerer.process(cTx, aTx);
      if (probe !== null) {
        probe.tx(1, aTx);
        probe.line?.(1, aTx);
      }
      drain(caller, 1, 0);
      drain(answerer, 0, 1);
    },
    charsOk: () => ok,
    charsReceived: () => received,
    connectRate: () => (caller.state === 'connected' ? caller.connectRate : 0),
  };
}

export function makePair(name: PairName, probe: PairProbe | null = null): BenchPair {
  return name === 'v22' || name === 'bell212a' || name === 'v22bis' ? qamPair(name, probe) : fskPair(name, probe);
}

export const FRAMES_PER_SECOND = SAMPLE_RATE / FRAME_SAMPLES;

/** Process CPU seconds (user + system, as spandsp's CLOCK_PROCESS_CPUTIME_ID) for `seconds` of line. */
export function runPair(pair: BenchPair, seconds: number): number {
  const frames = Math.round(seconds * FRAMES_PER_SECOND);
  const c0 = process.cpuUsage();
  for (let i = 0; i < frames; i++) pair.step();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}
