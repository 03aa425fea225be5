/**
 * The channel chain builder and the simulated exchange with chains (issue 19): order per direction, codec stages
 * released at hang-up, a failing stage ending the call (not the process), and a call through each preset that
 * connects and carries data, with the reference codecs.
 */
import test from 'ava';
import { parseChain, presetChain, PRESET_NAMES, type ChainSpec, type PresetName } from '../../../config/chain.ts';
import type { NumberRoute } from '../../../config/schema.ts';
import { createDataPump, type Modulation } from '../../../dsp/pump-factory.ts';
import { FRAME_SAMPLES } from '../../../dsp/q15.ts';
import type { CodecSpec, CodecStage } from '../../../hal/codecs/codec-stage.ts';
import { createCodecStage } from '../../../hal/codecs/index.ts';
import { buildCallChannels } from '../../../hal/line/channel-chain.ts';
import { SimulatedExchange } from '../../../hal/line/simulated-exchange.ts';
import { countErrors } from '../../bench/cellular-calls.ts';
import { randomBytes } from '../../helpers/random.ts';

/** A test double of a codec stage: records what it saw, and can be told to fail. Test-only. */
class RecordingCodec implements CodecStage {
  readonly stats = { frames: 0, erased: 0 };
  closed = false;
  failAfter = Infinity;
  constructor(
    readonly spec: CodecSpec,
    readonly log: string[],
  ) {}
  process(buf: Int16Array, n: number): void {
    if (++this.stats.frames > this.failAfter) throw new Error('decoder state corrupt');
    this.log.push(`${this.spec.codec}:${n}`);
  }
  close(): void {
    this.closed = true;
  }
}

test('each direction meets the elements in order; a plain list in reverse on the way to Dialtone', (t) => {
  const log: string[] = [];
  const made: RecordingCodec[] = [];
  const spec = parseChain([{ 'amr-nb': { mode: 12.2 } }, 'g711a', { 'amr-wb': { mode: 12.65 } }], 'k');
  const ch = buildCallChannels(spec, { dialtoneCalled: true, seed: 1, createCodec: (s) => (made.push(new RecordingCodec(s, log)), made.at(-1)!) });
  ch.fromDialtone.process(new Int16Array(160), 160);
  t.deepEqual(log, ['amr-nb:160', 'amr-wb:160']);
  log.length = 0;
  ch.toDialtone.process(new Int16Array(160), 160);
  t.deepEqual(log, ['amr-wb:160', 'amr-nb:160']);
  t.is(ch.fromDialtone.stages.length, 3);
  ch.fromDialtone.close();
  ch.toDialtone.close();
  t.true(made.every((c) => c.closed));
});

test('a codec that cannot be made releases the ones made before it', (t) => {
  const made: RecordingCodec[] = [];
  const spec = parseChain([{ 'amr-nb': { mode: 12.2 } }, 'msbc'], 'k');
  t.throws(
    () =>
      buildCallChannels(spec, {
        dialtoneCalled: true,
        seed: 1,
        createCodec: (s) => {
          if (s.codec === 'msbc') throw new Error('libsbc missing');
          made.push(new RecordingCodec(s, []));
          return made.at(-1)!;
        },
      }),
    { message: 'libsbc missing' },
  );
  t.true(made.length > 0 && made.every((c) => c.closed));
});

const NUMBERS: Record<string, NumberRoute> = {
  '5551000': { kind: 'modem', modulation: 'v21', host: 'echo' },
  '5551200': { kind: 'modem', modulation: 'v22', host: 'echo' },
  '5552400': { kind: 'modem', modulation: 'v22bis', host: 'echo' },
};
const NUMBER_OF: Record<string, string> = { v21: '5551000', v22: '5551200', v22bis: '5552400' };

test('a chain stage that fails mid-call ends the call with a reason, never an exception', async (t) => {
  let codec: RecordingCodec | null = null;
  const logs: string[] = [];
  const ex = new SimulatedExchange({
    numbers: NUMBERS,
    line: { bandLimit: true },
    answerAfterRings: 1,
    log: (l) => logs.push(l),
    chains: { line: parseChain(['cvsd', { 'amr-nb': { mode: 12.2 } }, 'g711a'], 'k'), numbers: {} },
    createCodec: (s) => {
      codec = new RecordingCodec(s, []);
      codec.failAfter = 200;
      return codec;
    },
  });
  const leg = ex.dial('5551000');
  const tx = new Int16Array(FRAME_SAMPLES);
  const rx = new Int16Array(FRAME_SAMPLES);
  let alive = true;
  for (let f = 0; f < 2000 && alive; f++) alive = await leg.frame(tx, rx);
  t.false(alive);
  t.is(leg.progress, 'ended');
  t.regex((leg as unknown as { failure: string }).failure, /decoder state corrupt/);
  t.true(codec!.closed, 'the codecs are released');
});

/** The modulation each preset is shown to carry (the bench table has every modulation). */
const CARRIES: Record<PresetName, Modulation> = { 'gsm-fr': 'v21', 'umts-amr': 'v22', 'volte-wb': 'v21', 'poor-radio': 'v21' };

/** A Dialtone caller through the exchange to the echo modem, via `spec`: connect, then 150 bytes out and back. */
async function echoCall(modulation: Modulation, spec: ChainSpec): Promise<{ connected: boolean; chain: string | null; sent: Uint8Array; got: Uint8Array }> {
  const ex = new SimulatedExchange({ numbers: NUMBERS, line: { bandLimit: true, snrDb: 40 }, answerAfterRings: 1, answerToneMs: 3300, log: () => {}, createCodec: (s) => createCodecStage(s) });
  const leg = ex.dial(NUMBER_OF[modulation], spec);
  const pump = createDataPump(modulation, 'caller', { txLevelDbm0: -10, carrierDetectMs: 100, carrierLossMs: 1500 });
  const tx = new Int16Array(FRAME_SAMPLES);
  const rx = new Int16Array(FRAME_SAMPLES);
  const sent = randomBytes(150, 7);
  const got: number[] = [];
  let connectedAt = -1;
  let queued = 0;
  for (let f = 0; f < 50 * 60; f++) {
    pump.process(rx, tx);
    if (pump.state === 'connected' && connectedAt < 0) connectedAt = f;
    // After the echo host's banner (2 s at 300 bit/s), the payload.
    if (connectedAt >= 0 && f > connectedAt + 150 && queued < sent.length) queued += pump.tx.queue.write(sent.subarray(queued));
    for (const b of pump.rx.take()) got.push(b);
    if (!(await leg.frame(tx, rx))) {
      process.stderr.write(`leg ended at frame ${f}, connected at ${connectedAt}, pump ${pump.state}, got ${got.length}\n`);
      break;
    }
    if (queued === sent.length && got.length > 60 + sent.length + 20) break;
  }
  leg.hangup();
  process.stderr.write(`total got ${got.length}, queued ${queued}, connected at ${connectedAt}: ${JSON.stringify(Buffer.from(got).toString('latin1').slice(0, 50))}\n`);
  const echoed = Uint8Array.from(got);
  const start = echoed.indexOf(sent[0], 40);
  return { connected: connectedAt >= 0, chain: (leg as { chain?: string | null }).chain ?? null, sent, got: start >= 0 ? echoed.subarray(start) : echoed };
}

for (const preset of PRESET_NAMES) {
  test(`preset ${preset}: a ${CARRIES[preset]} call through it connects and carries data both ways`, async (t) => {
    const r = await echoCall(CARRIES[preset], presetChain(preset, 'test'));
    t.true(r.connected, 'CONNECT');
    t.regex(r.chain ?? '', new RegExp(`^${preset}: `));
    const e = countErrors(r.sent, r.got);
    t.log(`got ${r.got.length}: ${Buffer.from(r.got.subarray(0, 60)).toString('latin1')}`);
    t.log(`${preset} ${CARRIES[preset]}: ${e.byteErrors} of ${r.sent.length} echoed characters wrong or lost (${e.bitErrors} bit errors)`);
    // Out and back through the chain twice: most characters must survive (the bench has the exact figures).
    t.true(e.byteErrors <= r.sent.length / 4, `${e.byteErrors} byte errors`);
  });
}
