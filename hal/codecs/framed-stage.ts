import { Resampler } from '../../dsp/filters/resampler.ts';
import type { CodecSpec, CodecStage } from './codec-stage.ts';
import { FrameErasures } from './erasures.ts';

/** One codec's round trip on one frame at its own rate: encode `input`, then decode (or conceal) into `output`. */
export interface FrameCodec {
  /** Samples per frame at the codec's rate (160 for AMR-NB, 320 for AMR-WB, 120 for mSBC). */
  readonly frameSamples: number;
  /** The codec's sampling rate: 8000 or 16000. */
  readonly rate: 8000 | 16000;
  /** `lost`: the radio lost this frame, so the decoder gets a bad frame instead of what the encoder sent. */
  codeFrame(input: Int16Array, output: Int16Array, lost: boolean, frame: number): void;
  /** A fresh encoder and decoder, as at the start of a call. */
  reset(): void;
  close(): void;
}

/**
 * A frame codec as a channel stage on 8000 Hz samples, for any block length `n`: samples are gathered into whole
 * codec frames, and a frame's decoded samples come out while the next frame is being gathered. The buffering delay
 * is therefore exactly one frame, whatever the block sizes. A 16 kHz codec sits between an 8→16 kHz and a
 * 16→8 kHz polyphase resampler (dsp/filters/resampler.ts), run one frame at a time: 2 output samples per input up,
 * 1 per 2 down, so the frame boundaries stay put, and their group delays add to the stage's fixed delay.
 */
export class FramedCodecStage implements CodecStage {
  readonly stats = { frames: 0, erased: 0 };
  /** The stage's own delay in 8000 Hz samples: one frame of buffering plus the resamplers' group delays. */
  readonly delaySamples: number;
  private readonly frame8: number;
  private readonly gathered: Int16Array;
  private readonly decoded: Int16Array;
  private readonly up?: Resampler;
  private readonly down?: Resampler;
  private readonly wideIn?: Int16Array;
  private readonly wideOut?: Int16Array;
  private readonly erasures: FrameErasures;
  private fill = 0;
  private closed = false;

  constructor(
    readonly spec: CodecSpec,
    private readonly codec: FrameCodec,
  ) {
    this.frame8 = (codec.frameSamples * 8000) / codec.rate;
    this.gathered = new Int16Array(this.frame8);
    this.decoded = new Int16Array(this.frame8);
    this.erasures = new FrameErasures(spec.erasureRate ?? 0, spec.seed ?? 1);
    this.delaySamples = this.frame8;
    if (codec.rate === 16000) {
      this.up = new Resampler(8000, 16000);
      this.down = new Resampler(16000, 8000);
      this.wideIn = new Int16Array(this.up.maxOutput(this.frame8));
      this.wideOut = new Int16Array(codec.frameSamples);
      this.delaySamples += this.up.delayOut / 2 + this.down.delayOut;
    }
  }

  process(buf: Int16Array, n: number): void {
    if (this.closed) throw new Error(`${this.spec.codec} stage used after close()`);
    const g = this.gathered;
    const d = this.decoded;
    let fill = this.fill;
    for (let i = 0; i < n; i++) {
      const s = buf[i];
      buf[i] = d[fill];
      g[fill] = s;
      if (++fill === this.frame8) {
        this.codeFrame();
        fill = 0;
      }
    }
    this.fill = fill;
  }

  private codeFrame(): void {
    const lost = this.erasures.next();
    const frame = this.stats.frames++;
    if (lost) this.stats.erased++;
    if (!this.up || !this.down || !this.wideIn || !this.wideOut) {
      this.codec.codeFrame(this.gathered, this.decoded, lost, frame);
      return;
    }
    this.up.process(this.gathered, this.frame8, this.wideIn);
    this.codec.codeFrame(this.wideIn, this.wideOut, lost, frame);
    this.down.process(this.wideOut, this.codec.frameSamples, this.decoded);
  }

  /** As at the start of a call: empty buffers, fresh codec states, the erasure pattern from its start. */
  reset(): void {
    this.gathered.fill(0);
    this.decoded.fill(0);
    this.fill = 0;
    this.up?.reset();
    this.down?.reset();
    this.erasures.reset();
    this.stats.frames = 0;
    this.stats.erased = 0;
    this.codec.reset();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.codec.close();
  }
}
