import type { ChannelStage } from '../stage.ts';
import { Gsm610Decoder } from './decoder.ts';
import { Gsm610Encoder } from './encoder.ts';
import { FRAME, PARAMS_PER_FRAME } from './tables.ts';

/**
 * A cellular voice channel: every 160-sample frame is GSM 06.10 full-rate encoded and decoded. Works for any `n`
 * by buffering, at the cost of exactly one frame (20 ms) of latency.
 */
export class Gsm610RoundTrip implements ChannelStage {
  private readonly encoder = new Gsm610Encoder();
  private readonly decoder = new Gsm610Decoder();
  private readonly params = new Int16Array(PARAMS_PER_FRAME);
  private readonly input = new Int16Array(FRAME);
  private readonly output = new Int16Array(FRAME);
  private pos = 0;

  /** Latency in samples. */
  readonly delaySamples = FRAME;

  process(buf: Int16Array, n: number): void {
    const { input, output } = this;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      input[pos] = buf[i];
      buf[i] = output[pos];
      if (++pos === FRAME) {
        this.encoder.encode(input, 0, this.params, 0);
        this.decoder.decode(this.params, 0, output, 0);
        pos = 0;
      }
    }
    this.pos = pos;
  }

  reset(): void {
    this.encoder.reset();
    this.decoder.reset();
    this.input.fill(0);
    this.output.fill(0);
    this.pos = 0;
  }
}
