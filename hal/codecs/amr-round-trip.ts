import type { CodecSpec } from './codec-stage.ts';
import type { FrameCodec } from './framed-stage.ts';
import type { CodecAddon, CodecHandle } from './native-addon.ts';
import { ModeSchedule } from './schedule.ts';

/** An AMR encoder and decoder pair, one frame at a time on RFC 4867 §5.3 storage-format frames. */
export interface AmrFrameCoder {
  encode(speech: Int16Array, frame: Uint8Array, modeIndex: number): number;
  decode(frame: Uint8Array, speech: Int16Array, bad: boolean): void;
  reset(): void;
  close(): void;
}

/**
 * The handles of one AMR encoder and decoder in the codec addon. AMR-NB and AMR-WB differ only in which kinds they
 * open and how they pass DTX, so each gives `open`, and a reset is a close and a fresh pair, as at call setup.
 */
export abstract class AmrCodecHandles {
  protected enc: CodecHandle;
  protected dec: CodecHandle;

  protected constructor(
    protected readonly addon: CodecAddon,
    private readonly open: () => readonly [CodecHandle, CodecHandle],
  ) {
    [this.enc, this.dec] = open();
  }

  reset(): void {
    this.close();
    [this.enc, this.dec] = this.open();
  }

  close(): void {
    this.addon.close(this.enc);
    this.addon.close(this.dec);
  }
}

/** The frame codec of an AMR stage: the mode of each frame from the schedule, the coded frame kept for tests. */
export class AmrRoundTrip implements FrameCodec {
  /** The last coded frame as the encoder sent it (before any loss), and its length. */
  readonly frame: Uint8Array;
  frameBytes = 0;
  private readonly schedule: ModeSchedule;

  constructor(
    readonly frameSamples: number,
    readonly rate: 8000 | 16000,
    maxFrameBytes: number,
    private readonly codec: AmrFrameCoder,
    spec: Extract<CodecSpec, { codec: 'amr-nb' | 'amr-wb' }>,
    modes: readonly number[],
  ) {
    this.frame = new Uint8Array(maxFrameBytes);
    this.schedule = new ModeSchedule(spec.schedule ?? [{ mode: spec.mode, seconds: 1 }], modes);
  }

  codeFrame(input: Int16Array, output: Int16Array, lost: boolean, frame: number): void {
    this.frameBytes = this.codec.encode(input, this.frame, this.schedule.modeIndexAt(frame));
    this.codec.decode(this.frame, output, lost);
  }

  reset(): void {
    this.codec.reset();
  }

  close(): void {
    this.codec.close();
  }
}
