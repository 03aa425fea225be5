/**
 * Reference speech codecs as channel stages (issue 19). AMR-NB, AMR-WB and mSBC are not re-implemented in dsp/:
 * they run the reference libraries (opencore-amrnb, opencore-amrwb + vo-amrwbenc, libsbc) through a native addon
 * in hal/codecs/native/, and implement dsp/channel's ChannelStage on 8000 Hz Int16 samples like every other model,
 * so a channel chain composes them with the fixed-point stages (CVSD, G.711, GSM FR, noise, band limit) in order.
 *
 * This file is the contract between the codec bindings and the chain builder; the implementation lives beside it.
 */
import type { ChannelStage } from '../../dsp/channel/stage.ts';

/** AMR-NB modes in kbit/s (3GPP TS 26.071): MR475 … MR122. */
export const AMR_NB_MODES = [4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2] as const;
export type AmrNbMode = (typeof AMR_NB_MODES)[number];

/** AMR-WB modes in kbit/s (3GPP TS 26.171): 6.60 … 23.85. */
export const AMR_WB_MODES = [6.6, 8.85, 12.65, 14.25, 15.85, 18.25, 19.85, 23.05, 23.85] as const;
export type AmrWbMode = (typeof AMR_WB_MODES)[number];

/** One step of a mode schedule within a call: this mode for this many seconds of line time; the last step holds. */
export interface ModeStep<M> {
  mode: M;
  seconds: number;
}

export type CodecSpec =
  | {
      codec: 'amr-nb';
      mode: AmrNbMode;
      /** Discontinuous transmission: the encoder's VAD replaces "silence" with comfort noise (SID frames). */
      dtx?: boolean;
      /** Link adaptation: modes changed on 20 ms frame boundaries; overrides `mode` when given. */
      schedule?: ModeStep<AmrNbMode>[];
      /** Radio frames lost, 0–1: handed to the decoder as bad frames, so its concealment is part of the channel. */
      erasureRate?: number;
      /** Seed of the erasure pattern. */
      seed?: number;
    }
  | {
      codec: 'amr-wb';
      mode: AmrWbMode;
      dtx?: boolean;
      schedule?: ModeStep<AmrWbMode>[];
      erasureRate?: number;
      seed?: number;
    }
  /** mSBC (HFP 1.6 wideband SCO): 16 kHz, resampled from and back to 8000 Hz around it. */
  | { codec: 'msbc'; erasureRate?: number; seed?: number };

/** A codec round trip (encode, optional frame loss, decode) on 8000 Hz samples; delay is the codec's own. */
export interface CodecStage extends ChannelStage {
  readonly spec: CodecSpec;
  /** Frames passed through, and frames handed to the decoder as lost. */
  readonly stats: { frames: number; erased: number };
  /**
   * The stage's own fixed delay in 8000 Hz samples: one codec frame of buffering, plus the resamplers' group delays
   * around a 16 kHz codec (may be fractional). The codec's algorithmic look-ahead comes on top
   * (docs/codecs-notes.md gives it per codec).
   */
  readonly delaySamples: number;
  /** Releases the native codec state; the stage must not be used afterwards. */
  close(): void;
}

/** Thrown when a reference library cannot be loaded: names the library and the Debian package that provides it. */
export class CodecUnavailableError extends Error {
  constructor(
    readonly library: string,
    readonly debianPackage: string,
    detail: string,
  ) {
    super(`codec library ${library} is not available (install the Debian package ${debianPackage}): ${detail}`);
    this.name = 'CodecUnavailableError';
  }
}
