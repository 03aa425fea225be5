import type { CodecSpec } from './codec-stage.ts';
import type { FrameCodec } from './framed-stage.ts';
import { FramedCodecStage } from './framed-stage.ts';
import { CODEC_KIND, openCodecLibraries } from './native-addon.ts';
import type { CodecAddon, CodecHandle, CodecLibraryPaths } from './native-addon.ts';

/** Samples per mSBC frame: 15 blocks of 8 subbands, 7.5 ms at 16000 Hz (HFP 1.6 §5.7.4). */
export const MSBC_FRAME_SAMPLES = 120;
/** Bytes per mSBC frame: the SBC frame at bitpool 26 (HFP 1.6 §5.7.4), without the H2 synchronisation header. */
export const MSBC_FRAME_BYTES = 57;

/**
 * libsbc's mSBC encoder and decoder, one frame at a time (the parameters are the ones mSBC fixes: 16 kHz mono,
 * 8 subbands, 15 blocks, loudness allocation, bitpool 26). Frames are bare SBC frames as sbcenc -m writes them; the
 * 2-byte H2 header and padding byte of the SCO packet are transport, not codec, and left out.
 */
export class MsbcCodec {
  private enc: CodecHandle;
  private dec: CodecHandle;
  private readonly addon: CodecAddon;

  constructor(paths: CodecLibraryPaths = {}) {
    this.addon = openCodecLibraries(['sbc'], paths);
    this.enc = this.addon.open(CODEC_KIND.msbc);
    this.dec = this.addon.open(CODEC_KIND.msbc);
  }

  /** Encodes 120 samples at 16 kHz into a 57-byte frame; returns the bytes written. */
  encode(speech: Int16Array, frame: Uint8Array): number {
    const n = this.addon.msbcEncode(this.enc, speech, frame);
    if (n !== MSBC_FRAME_BYTES) throw new Error(`libsbc: mSBC encode returned ${n}`);
    return n;
  }

  /** Decodes a 57-byte frame into 120 samples; returns the samples written. */
  decode(frame: Uint8Array, speech: Int16Array): number {
    const n = this.addon.msbcDecode(this.dec, frame, speech);
    if (n !== MSBC_FRAME_SAMPLES) throw new Error(`libsbc: mSBC decode returned ${n}`);
    return n;
  }

  reset(): void {
    this.close();
    this.enc = this.addon.open(CODEC_KIND.msbc);
    this.dec = this.addon.open(CODEC_KIND.msbc);
  }

  close(): void {
    this.addon.close(this.enc);
    this.addon.close(this.dec);
  }
}

/**
 * The frame codec of an mSBC stage. libsbc has no packet loss concealment (HFP 1.6 leaves it to the receiver), so a
 * lost frame is concealed here, simply: the first lost frame after a good one repeats that frame's decoded samples,
 * every further lost frame in a row is silence. The decoder does not see lost frames at all.
 */
class MsbcRoundTrip implements FrameCodec {
  readonly frameSamples = MSBC_FRAME_SAMPLES;
  readonly rate = 16000;
  readonly frame = new Uint8Array(MSBC_FRAME_BYTES);
  private readonly last = new Int16Array(MSBC_FRAME_SAMPLES);
  private lostRun = 0;
  private readonly codec: MsbcCodec;

  constructor(paths: CodecLibraryPaths) {
    this.codec = new MsbcCodec(paths);
  }

  codeFrame(input: Int16Array, output: Int16Array, lost: boolean): void {
    this.codec.encode(input, this.frame);
    if (!lost) {
      this.codec.decode(this.frame, output);
      this.last.set(output); // output is exactly one frame (FramedCodecStage sizes it)
      this.lostRun = 0;
    } else if (this.lostRun++ === 0) {
      output.set(this.last);
    } else {
      output.fill(0, 0, MSBC_FRAME_SAMPLES);
    }
  }

  reset(): void {
    this.codec.reset();
    this.last.fill(0);
    this.lostRun = 0;
  }

  close(): void {
    this.codec.close();
  }
}

/**
 * mSBC (wideband HFP's SCO codec) as a channel stage on 8000 Hz samples: up to 16 kHz, 7.5 ms frames through libsbc's
 * encoder and decoder, optional frame losses concealed as MsbcRoundTrip says, down to 8 kHz. `delaySamples`: one frame
 * (60 samples at 8 kHz) of buffering plus the resamplers' group delays; SBC's analysis and synthesis filter banks add
 * their own on top (docs/codecs-notes.md).
 */
export class MsbcStage extends FramedCodecStage {
  declare readonly spec: Extract<CodecSpec, { codec: 'msbc' }>;

  constructor(spec: Extract<CodecSpec, { codec: 'msbc' }>, paths: CodecLibraryPaths = {}) {
    super(spec, new MsbcRoundTrip(paths));
  }
}
