import { AMR_NB_MODES } from './codec-stage.ts';
import type { AmrNbMode, CodecSpec } from './codec-stage.ts';
import { AmrCodecHandles, AmrRoundTrip } from './amr-round-trip.ts';
import type { AmrFrameCoder } from './amr-round-trip.ts';
import { FramedCodecStage } from './framed-stage.ts';
import { CODEC_KIND, openCodecLibraries } from './native-addon.ts';
import type { CodecLibraryPaths } from './native-addon.ts';

/** Samples per AMR-NB frame: 20 ms at 8000 Hz (3GPP TS 26.090). */
export const AMR_NB_FRAME_SAMPLES = 160;
/** The largest coded frame in RFC 4867 storage format: header octet + 244 bits of MR122 in 31 octets. */
export const AMR_NB_MAX_FRAME_BYTES = 32;

/**
 * The opencore-amrnb encoder and decoder (3GPP TS 26.073's fixed-point C code as packaged by opencore-amr), one frame
 * at a time. Coded frames are in RFC 4867 §5.3 storage format (a header octet with the frame type, then the bits).
 */
export class AmrNbCodec extends AmrCodecHandles implements AmrFrameCoder {
  constructor(
    readonly dtx = false,
    paths: CodecLibraryPaths = {},
  ) {
    const addon = openCodecLibraries(['amrnb'], paths);
    super(addon, () => [addon.open(CODEC_KIND.amrNbEncoder, dtx ? 1 : 0), addon.open(CODEC_KIND.amrNbDecoder)]);
  }

  /** Encodes 160 samples in mode `modeIndex` (0 = MR475 … 7 = MR122); returns the frame's length in bytes. */
  encode(speech: Int16Array, frame: Uint8Array, modeIndex: number): number {
    return this.addon.amrNbEncode(this.enc, modeIndex, speech, frame, 0);
  }

  /**
   * Decodes one frame into 160 samples. `bad`: the frame was lost on the radio; opencore then decodes it as frame
   * type NO_DATA, which the decoder's receive-side DTX handler treats as a lost speech frame (concealed by
   * extrapolating the last good parameters, TS 26.091) during speech, or as no update during comfort noise.
   */
  decode(frame: Uint8Array, speech: Int16Array, bad: boolean): void {
    this.addon.amrNbDecode(this.dec, frame, speech, bad ? 1 : 0);
  }
}

/**
 * AMR-NB as a channel stage: each 20 ms frame encoded in its scheduled mode (DTX as configured), lost with the
 * erasure rate, decoded with the decoder's own concealment. Delay: one frame (160 samples) of buffering, which is
 * `delaySamples`, and the codec's own 5 ms look-ahead (40 samples, measured in every mode): 200 samples, 25 ms, in all
 * (docs/codecs-notes.md).
 */
export class AmrNbStage extends FramedCodecStage {
  declare readonly spec: Extract<CodecSpec, { codec: 'amr-nb' }>;

  constructor(spec: Extract<CodecSpec, { codec: 'amr-nb' }>, paths: CodecLibraryPaths = {}) {
    const codec = new AmrNbCodec(spec.dtx ?? false, paths);
    super(spec, new AmrRoundTrip(AMR_NB_FRAME_SAMPLES, 8000, AMR_NB_MAX_FRAME_BYTES, codec, spec, AMR_NB_MODES));
  }
}

export type { AmrNbMode };
