import { delaySamples } from './delay.ts';

export interface TalkerEchoOptions {
  /** Echo return loss in dB (≥ 0): how far below the transmitted signal the echo comes back. */
  lossDb: number;
  /** Round-trip delay of the echo in ms (0 for the near-end hybrid, tens of ms for a far-end one). */
  delayMs: number;
}

/**
 * Talker echo: what a 2-wire/4-wire hybrid returns of a modem's own transmitted signal.
 *
 * It is a two-port, not a ChannelStage. Wire it at the modem's side of the line, once per frame, after the
 * modem has produced its transmit frame and before its receiver sees the receive frame:
 *
 *   modem.transmit(tx)            // what the modem sends this frame
 *   lineToUs.process(rx, n)       // far end's signal through its channel model
 *   echo.process(rx, tx, n)       // rx += loss · tx delayed by delayMs
 *   modem.receive(rx)
 *
 * The delay runs per sample through a ring buffer, so a delay shorter than a frame (even 0) is exact.
 */
export class TalkerEcho {
  readonly delaySamples: number;
  /** Q15 echo gain. */
  readonly gain: number;
  private readonly ring: Int16Array;
  private pos = 0;

  constructor(opts: TalkerEchoOptions) {
    if (!Number.isFinite(opts.lossDb) || opts.lossDb < 0) {
      throw new Error(`TalkerEcho: lossDb must be a number ≥ 0, got ${opts.lossDb}`);
    }
    this.delaySamples = delaySamples({ ms: opts.delayMs }, 'TalkerEcho');
    this.gain = Math.round(32768 * 10 ** (-opts.lossDb / 20));
    this.ring = new Int16Array(this.delaySamples + 1);
  }

  /** Add to rx[0..n) the echo of tx[0..n) (and of earlier frames' tx). */
  process(rx: Int16Array, tx: Int16Array, n: number): void {
    const ring = this.ring;
    const len = ring.length;
    const g = this.gain;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      ring[pos] = tx[i];
      // The oldest entry is the one just after the write position: delaySamples before this sample.
      const read = pos + 1 === len ? 0 : pos + 1;
      const y = rx[i] + ((Math.imul(ring[read], g) + 0x4000) >> 15);
      rx[i] = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
      pos = read;
    }
    this.pos = pos;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
  }
}
