import { FRAME_SAMPLES } from '../../dsp/q15.ts';

/** What works on a frame in place: a line model, a channel chain. */
export interface FrameLine {
  process(buf: Int16Array, n: number): void;
}

/** What takes a frame of received audio and gives a frame to send: a data pump (dsp/pump.ts), a test's tone source. */
export interface FramePump {
  process(rx: Int16Array, tx: Int16Array): void;
}

/**
 * Two data pumps joined by a line each way, one 20 ms frame a step: what one sends in a frame the other hears, after
 * its line, in the next. The frame loop every pump-pair test runs.
 */
export class PumpPair {
  private readonly cTx = new Int16Array(FRAME_SAMPLES);
  private readonly aTx = new Int16Array(FRAME_SAMPLES);
  private readonly cRx = new Int16Array(FRAME_SAMPLES);
  private readonly aRx = new Int16Array(FRAME_SAMPLES);

  /** `toCaller` null: the caller hears the answerer as sent. */
  constructor(
    private readonly caller: FramePump,
    private readonly answerer: FramePump,
    private readonly toAnswerer: FrameLine,
    private readonly toCaller: FrameLine | null,
  ) {}

  /** One frame; `callerOn` false: the caller is not on the line yet (hears and sends nothing). */
  step(callerOn = true): void {
    if (callerOn) this.caller.process(this.cRx, this.cTx);
    this.answerer.process(this.aRx, this.aTx);
    this.aRx.set(this.cTx);
    this.toAnswerer.process(this.aRx, FRAME_SAMPLES);
    this.cRx.set(this.aTx);
    this.toCaller?.process(this.cRx, FRAME_SAMPLES);
  }
}
