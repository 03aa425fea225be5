/** One block of a channel model: transforms `n` samples of `buf` in place. Stages compose in a ChannelChain. */
export interface ChannelStage {
  process(buf: Int16Array, n: number): void;
  reset?(): void;
}

/** Stages applied in order, e.g. band limit, codec round trip, attenuation, noise. */
export class ChannelChain implements ChannelStage {
  constructor(readonly stages: readonly ChannelStage[]) {}

  process(buf: Int16Array, n: number): void {
    for (const stage of this.stages) stage.process(buf, n);
  }

  reset(): void {
    for (const stage of this.stages) stage.reset?.();
  }
}
