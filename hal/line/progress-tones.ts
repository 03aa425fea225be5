import { Nco } from '../../dsp/nco.ts';
import { dbm0ToPeak, FRAME_SAMPLES } from '../../dsp/q15.ts';

/** A dual tone with an on/off cadence, as the exchange plays it (US plan: ITU-T E.180 supplement). */
export class CadencedTone {
  private readonly a: Nco;
  private readonly b: Nco;
  private readonly amp: number;
  private ms = 0;
  private readonly scratch = new Int16Array(FRAME_SAMPLES);

  constructor(
    f1: number,
    f2: number,
    private readonly onMs: number,
    private readonly offMs: number,
    levelDbm0 = -19,
  ) {
    this.a = new Nco(f1);
    this.b = new Nco(f2);
    this.amp = Math.round(dbm0ToPeak(levelDbm0));
  }

  frame(out: Int16Array): void {
    const period = this.onMs + this.offMs;
    const on = this.offMs === 0 || this.ms % period < this.onMs;
    this.ms += 20;
    if (!on) {
      out.fill(0, 0, FRAME_SAMPLES);
      return;
    }
    this.a.generate(out, FRAME_SAMPLES, this.amp);
    this.b.generate(this.scratch, FRAME_SAMPLES, this.amp);
    for (let i = 0; i < FRAME_SAMPLES; i++) out[i] += this.scratch[i];
  }
}

export const ringback = () => new CadencedTone(440, 480, 2000, 4000);
export const busyTone = () => new CadencedTone(480, 620, 500, 500);
export const reorderTone = () => new CadencedTone(480, 620, 250, 250);
