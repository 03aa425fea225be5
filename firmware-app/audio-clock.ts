import type { AudioDevice } from '../hal/audio/audio-device.ts';
import { FrameClock } from './frame-clock.ts';
import type { DialtoneConfig } from '../config/schema.ts';

/**
 * The frame clock when the call's audio comes from a real device: while the device runs, each tick is one frame
 * captured by the card (its crystal, or the phone's SCO clock, is the master); the frame the modem sends is written
 * against it. While no device runs (on hook, between calls) it paces frames like the simulated clock.
 */
export class AudioClock extends FrameClock {
  constructor(
    mode: DialtoneConfig['clock'],
    private readonly device: () => AudioDevice | null,
  ) {
    super(mode);
  }

  override async tick(): Promise<void> {
    const dev = this.device();
    if (dev?.running && (await dev.next())) {
      this.lineMs += 20;
      return;
    }
    return super.tick();
  }
}
