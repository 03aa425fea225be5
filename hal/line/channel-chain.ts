/**
 * The channel chain builder (issue 19): the elements of config/chain.ts as channel stages, in order, one chain per
 * direction of a call. The fixed-point models come from dsp/channel; the reference codecs (AMR-NB, AMR-WB, mSBC)
 * from hal/codecs, which is why this lives in hal/ (dsp/ may not import hal/).
 */
import { chainDirections, type ChainElement, type ChainSpec } from '../../config/chain.ts';
import { Attenuation } from '../../dsp/channel/attenuation.ts';
import { Awgn } from '../../dsp/channel/awgn.ts';
import { BandLimit } from '../../dsp/channel/band-limit.ts';
import { CvsdRoundTrip } from '../../dsp/channel/cvsd.ts';
import { FlatDelay } from '../../dsp/channel/delay.ts';
import { FrequencyOffset } from '../../dsp/channel/frequency-offset.ts';
import { G711RoundTrip } from '../../dsp/channel/g711.ts';
import { Gsm610RoundTrip } from '../../dsp/channel/gsm610/round-trip.ts';
import { PhoneProcessing } from '../../dsp/channel/phone-processing.ts';
import type { ChannelStage } from '../../dsp/channel/stage.ts';
import type { AmrNbMode, AmrWbMode, CodecSpec, CodecStage } from '../codecs/codec-stage.ts';

/** Makes a reference codec stage: hal/codecs' createCodecStage, or what a test passes. */
export type CodecFactory = (spec: CodecSpec) => CodecStage;

/** The codec contract's spec for a codec element (the modes were checked against the lists when parsed). */
export function codecSpecOf(e: ChainElement, seed: number): CodecSpec | null {
  switch (e.kind) {
    case 'amr-nb':
      return {
        codec: 'amr-nb',
        mode: e.mode as AmrNbMode,
        dtx: e.dtx,
        schedule: e.schedule?.map((s) => ({ mode: s.mode as AmrNbMode, seconds: s.seconds })),
        erasureRate: e.erasureRate,
        seed: e.seed ?? seed,
      };
    case 'amr-wb':
      return {
        codec: 'amr-wb',
        mode: e.mode as AmrWbMode,
        dtx: e.dtx,
        schedule: e.schedule?.map((s) => ({ mode: s.mode as AmrWbMode, seconds: s.seconds })),
        erasureRate: e.erasureRate,
        seed: e.seed ?? seed,
      };
    case 'msbc':
      return { codec: 'msbc', erasureRate: e.erasureRate, seed: e.seed ?? seed };
    default:
      return null;
  }
}

function stageOf(e: ChainElement, seed: number, createCodec: CodecFactory): ChannelStage {
  switch (e.kind) {
    case 'cvsd':
      return new CvsdRoundTrip();
    case 'gsm-fr':
      return new Gsm610RoundTrip();
    case 'g711a':
      return new G711RoundTrip('alaw');
    case 'g711u':
      return new G711RoundTrip('ulaw');
    case 'band-limit':
      return new BandLimit(e.lowHz, e.highHz);
    case 'noise':
      return new Awgn({ snrDb: e.snrDb, signalDbm0: e.signalDbm0, seed: e.seed ?? seed });
    case 'attenuation':
      return new Attenuation(e.db);
    case 'offset':
      return new FrequencyOffset(e.hz);
    case 'delay':
      return new FlatDelay({ ms: e.ms });
    case 'phone':
      return new PhoneProcessing({ nrecOff: e.nrecAccepted, agc: e.agc ? {} : false, clipDbm0: e.clipDbm0 });
    default:
      return createCodec(codecSpecOf(e, seed)!);
  }
}

/** One direction of a call: its stages in order, and the codec stages among them to release at hang-up. */
export class DirectionChannel implements ChannelStage {
  private closed = false;

  constructor(
    readonly stages: readonly ChannelStage[],
    readonly codecs: readonly CodecStage[],
  ) {}

  process(buf: Int16Array, n: number): void {
    for (const s of this.stages) s.process(buf, n);
  }

  reset(): void {
    for (const s of this.stages) s.reset?.();
  }

  /** Frames the codecs passed and lost, summed over this direction. */
  get codecFrames(): { frames: number; erased: number } {
    let frames = 0;
    let erased = 0;
    for (const c of this.codecs) {
      frames += c.stats.frames;
      erased += c.stats.erased;
    }
    return { frames, erased };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.codecs) c.close();
  }
}

/** A direction's stages from its elements, then `tail` (the line's own band limit and noise) where given. */
export function buildDirection(elements: readonly ChainElement[], seed: number, createCodec: CodecFactory, before: ChannelStage[] = [], after: ChannelStage[] = []): DirectionChannel {
  const stages: ChannelStage[] = [...before];
  const codecs: CodecStage[] = [];
  try {
    elements.forEach((e, i) => {
      const stage = stageOf(e, seed + 7919 * i, createCodec);
      if (codecSpecOf(e, 0)) codecs.push(stage as CodecStage);
      stages.push(stage);
    });
  } catch (err) {
    for (const c of codecs) c.close(); // a later element failed: release what was made
    throw err;
  }
  stages.push(...after);
  return new DirectionChannel(stages, codecs);
}

export interface CallChannels {
  /** What Dialtone sends, on its way to the far party. */
  fromDialtone: DirectionChannel;
  /** What the far party sends, on its way to Dialtone. */
  toDialtone: DirectionChannel;
}

/**
 * Both directions of a call through `spec`. `farEnd(seed)` gives the stages of the landline end (the exchange's
 * band limit and noise): after the chain on the way out, before it on the way in.
 */
export function buildCallChannels(
  spec: ChainSpec,
  opts: { dialtoneCalled: boolean; seed: number; createCodec: CodecFactory; farEnd?: (seed: number) => ChannelStage[] },
): CallChannels {
  const dirs = chainDirections(spec, opts.dialtoneCalled);
  const farEnd = opts.farEnd ?? (() => []);
  const fromDialtone = buildDirection(dirs.fromDialtone, opts.seed, opts.createCodec, [], farEnd(opts.seed));
  try {
    const toDialtone = buildDirection(dirs.toDialtone, opts.seed + 1_000_003, opts.createCodec, farEnd(opts.seed + 1), []);
    return { fromDialtone, toDialtone };
  } catch (err) {
    fromDialtone.close();
    throw err;
  }
}
