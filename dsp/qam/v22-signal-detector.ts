import { meanSquareToDbm0 } from '../q15.ts';

/**
 * V.22 §2.7 (received line signal detector): ON for any level above −43 dBm0, OFF for any level below −48 dBm0,
 * either in between. The thresholds sit inside that window with 2.5 dB of hysteresis, so that a signal at exactly
 * −43 dBm0 (the bottom of the AGC range) is surely detected.
 */
export const CARRIER_ON_DBM0 = -45;
export const CARRIER_OFF_DBM0 = -47.5;
/** Frames (20 ms) the level must hold before the detector changes state (V.22 §2.7: ON 105 ± 40 ms, OFF 24 ± 10 ms). */
const CARRIER_ON_FRAMES = 5;
const CARRIER_OFF_FRAMES = 2;

/** Mean square (Int16² units) of a passband signal at `dbm0` (full scale +3.14 dBm0). */
export const meanSquareOfDbm0 = (dbm0: number): number => ((32767 * 32767) / 2) * 10 ** ((dbm0 - 3.14) / 10);

/**
 * The V.22 demodulator's received line signal detector (circuit 109) and level meter, once per frame on the mean
 * power of its matched-filter outputs. `powerToMs` converts that mean to the passband mean square.
 */
export class V22SignalDetector {
  /** Circuit 109: ON after CARRIER_ON_FRAMES above the on level, OFF after CARRIER_OFF_FRAMES below the off level. */
  carrier = false;
  /** The last frame's level was above the off threshold (no hold time: for squelching the data at once). */
  energy = false;
  /** Received level, dBm0, of the last frame (reporting). */
  levelDbm0 = -Infinity;
  private readonly onPower: number;
  private readonly offPower: number;
  private aboveFrames = 0;
  private belowFrames = 0;
  private signalPower = 0; // mean frame power while the carrier is on (slowly tracked)

  constructor(private readonly powerToMs: number) {
    this.onPower = meanSquareOfDbm0(CARRIER_ON_DBM0) / powerToMs;
    this.offPower = meanSquareOfDbm0(CARRIER_OFF_DBM0) / powerToMs;
  }

  /** One frame's mean matched-filter output power (the demodulator's units). */
  frame(mean: number): void {
    this.levelDbm0 = meanSquareToDbm0(mean * this.powerToMs);
    // A far carrier that stops leaves only line noise, which at 30 dB SNR can still sit above −47.5 dBm0 in this
    // band: the signal is also gone when the level falls 12 dB below what it was while the carrier was on.
    if (this.carrier) this.signalPower += (mean - this.signalPower) / 8;
    const floor = this.carrier ? Math.max(this.offPower, this.signalPower / 16) : this.offPower;
    this.energy = mean >= floor;
    if (!this.carrier) {
      // Once a carrier has been heard, it comes back only within 12 dB of its level: the line noise left when it
      // went (above −45 dBm0 at 25 dB SNR) must not turn the detector on again.
      const on = Math.max(this.onPower, this.signalPower / 16);
      this.aboveFrames = mean >= on ? this.aboveFrames + 1 : 0;
      if (this.aboveFrames >= CARRIER_ON_FRAMES) {
        this.carrier = true;
        this.signalPower = mean;
        this.belowFrames = 0;
      }
    } else {
      this.belowFrames = mean < floor ? this.belowFrames + 1 : 0;
      if (this.belowFrames >= CARRIER_OFF_FRAMES) {
        this.carrier = false;
        this.aboveFrames = 0;
      }
    }
  }
}
