import type { ChannelStage } from './stage.ts';

/** Flat loss of `db` dB (a negative value is a gain, saturating at full scale). */
export class Attenuation implements ChannelStage {
  /** Linear gain in Q(shift): Q15 for losses, fewer fraction bits for gains so that gain < 2^16. */
  readonly gain: number;
  readonly shift: number;

  constructor(readonly db: number) {
    if (!Number.isFinite(db) || db < -40) throw new Error(`Attenuation: db must be a finite number ≥ −40, got ${db}`);
    const linear = 10 ** (-db / 20);
    let shift = 15;
    while (linear * 2 ** shift >= 65535.5) shift--;
    this.gain = Math.round(linear * 2 ** shift);
    this.shift = shift;
  }

  process(buf: Int16Array, n: number): void {
    const g = this.gain;
    const shift = this.shift;
    const round = 1 << (shift - 1);
    for (let i = 0; i < n; i++) {
      const y = (Math.imul(buf[i], g) + round) >> shift;
      buf[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
    }
  }
}
