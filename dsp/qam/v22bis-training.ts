import type { V22Demodulator } from './v22-demodulator.ts';
import type { UnscrambledPatterns } from './v22bis-detectors.ts';
import { sym, type V22bisState } from './v22bis-handshake.ts';

/**
 * When the V.22bis pump's receiver trains during a handshake (v22bis-pump.ts), once per received symbol: from the
 * first S1 (restarting whatever noise taught the equaliser before), in scrambled ones, and while answering once a far
 * carrier is there; and, waiting for a V.22 modem's scrambled ones, afresh every 600 ms until they are recognised.
 */
export class TrainingSchedule {
  /** Trained on S1 already (or a retrain or fallback began training itself): the next S1 restarts nothing. */
  trainedOnS1 = false;
  private trainAge = 0;
  private usb1Heard = false;

  constructor(
    private readonly demod: V22Demodulator,
    private readonly patterns: UnscrambledPatterns,
  ) {}

  /** `rateClock`: the far S1 has ended (circuit 112 ON); `sb1Bits`: scrambled ones received in a row. */
  step(state: V22bisState, rateClock: boolean, sb1Bits: number): void {
    const demod = this.demod;
    const patterns = this.patterns;
    // Calling, the answerer's S1 follows ours; a V.22 answerer never sends S1, so the caller starts in send-sb1 anyway.
    if (patterns.s1 && state !== 'connected' && !this.trainedOnS1) {
      this.trainedOnS1 = true;
      demod.restart();
      demod.adapt = 'train';
    }
    if (state === 'send-sb1' && demod.adapt === 'hold') demod.adapt = 'train';
    const answering = state === 'send-usb1' || state === 'bell-answer-tone';
    if (answering && demod.adapt === 'hold' && demod.carrier) demod.adapt = 'train';
    // Waiting for scrambled ones from a V.22 modem, the receiver may have trained on noise or on unscrambled ones
    // first: start it again every 600 ms until the ones are recognised (convergence 150 ms + 270 ms of ones fit).
    // The moment the far unscrambled ones stop (calling a V.22 modem, its scrambled ones begin) is a fresh start too.
    const waitingForSb1 = answering || (state === 'send-sb1' && !rateClock);
    if (patterns.usb1Run >= 40) this.usb1Heard = true;
    const usb1Ended = this.usb1Heard && patterns.usb1Run === 0;
    if (usb1Ended) this.usb1Heard = false;
    if (waitingForSb1 && demod.adapt === 'train' && (++this.trainAge > sym(600) || usb1Ended)) {
      this.trainAge = 0;
      if (sb1Bits < 24 && !patterns.s1) demod.restart();
    }
  }
}
