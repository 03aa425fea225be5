import { AMR_WB_MODES } from './codec-stage.ts';
import type { CodecSpec } from './codec-stage.ts';
import { AmrCodecHandles, AmrRoundTrip } from './amr-round-trip.ts';
import type { AmrFrameCoder } from './amr-round-trip.ts';
import { FramedCodecStage } from './framed-stage.ts';
import { CODEC_KIND, openCodecLibraries } from './native-addon.ts';
import type { CodecLibraryPaths } from './native-addon.ts';

/** Samples per AMR-WB frame: 20 ms at 16000 Hz (3GPP TS 26.190). */
export const AMR_WB_FRAME_SAMPLES = 320;
/** The largest coded frame in RFC 4867 storage format: header octet + 477 bits of mode 23.85 in 60 octets. */
export const AMR_WB_MAX_FRAME_BYTES = 61;

/**
 * AMR-WB one frame at a time: vo-amrwbenc's encoder (Debian ships no opencore AMR-WB encoder) and opencore-amrwb's
 * decoder, both on RFC 4867 §5.3 storage-format frames.
 */
export class AmrWbCodec extends AmrCodecHandles implements AmrFrameCoder {
  constructor(
    readonly dtx = false,
    paths: CodecLibraryPaths = {},
  ) {
    const addon = openCodecLibraries(['amrwbenc', 'amrwb'], paths);
    super(addon, () => [addon.open(CODEC_KIND.amrWbEncoder), addon.open(CODEC_KIND.amrWbDecoder)]);
  }

  /** Encodes 320 samples at 16 kHz in mode `modeIndex` (0 = 6.60 … 8 = 23.85); returns the frame's length in bytes. */
  encode(speech: Int16Array, frame: Uint8Array, modeIndex: number): number {
    return this.addon.amrWbEncode(this.enc, modeIndex, speech, frame, this.dtx ? 1 : 0);
  }

  /** Decodes one frame into 320 samples; `bad`: lost on the radio, decoded as NO_DATA and concealed (TS 26.191). */
  decode(frame: Uint8Array, speech: Int16Array, bad: boolean): void {
    this.addon.amrWbDecode(this.dec, frame, speech, bad ? 1 : 0);
  }
}

/**
 * AMR-WB as a channel stage on 8000 Hz samples: up to 16 kHz, each 20 ms frame encoded in its scheduled mode, lost
 * with the erasure rate, decoded with the decoder's concealment, and down to 8 kHz again (so the band above 4 kHz
 * that AMR-WB could carry is never there: the narrowband modem side of a wideband call). `delaySamples`: one frame
 * (160 samples at 8 kHz) of buffering plus the two resamplers' group delays.
 */
export class AmrWbStage extends FramedCodecStage {
  declare readonly spec: Extract<CodecSpec, { codec: 'amr-wb' }>;

  constructor(spec: Extract<CodecSpec, { codec: 'amr-wb' }>, paths: CodecLibraryPaths = {}) {
    const codec = new AmrWbCodec(spec.dtx ?? false, paths);
    super(spec, new AmrRoundTrip(AMR_WB_FRAME_SAMPLES, 16000, AMR_WB_MAX_FRAME_BYTES, codec, spec, AMR_WB_MODES));
  }
}
