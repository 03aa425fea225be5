import { V22_Q34 } from './v22-constellation.ts';

/** Equaliser MSE (dB re the mean point power) above which the data are taken to be lost: retrain at once (1 s). */
const LOST_MSE_DB = -10;
const LOST_FRAMES = 50;
/**
 * Above this MSE, 2400 bit/s errs too often. Measured here (back to back, band-limited line): an MSE of −18.8 dB
 * (11 dB SNR) loses about one character in 1000 to framing errors, −16.8 dB (9 dB SNR) one in 70; the four
 * 1200 bit/s points, √5 apart where the sixteen are 1 (half spacing), are still error-free at both.
 */
export const POOR_MSE_DB = -17.5;
/** A leaky count of poor frames (up when poor, down when not) reaching this (2 s net) is a poor line, not a burst. */
const POOR_FRAMES = 100;
/** Poor again within this long (frames, 10 s) of a retrain: the retrain did not help, fall back to 1200 bit/s. */
const FALLBACK_WINDOW_FRAMES = 500;

/**
 * What a V.22bis modem at 2400 bit/s does about its receive quality, judged once a 20 ms frame from the equaliser
 * MSE: retrain (V.22bis §6.3.1.3) when the data are lost or the error rate is not acceptable, and fall back to
 * 1200 bit/s when a retrain has not made it acceptable (the practice of V.22bis modems: 1200 bit/s is the fallback
 * rate the Recommendation keeps for V.22 compatibility).
 */
export class LineQuality {
  private lostFrames = 0;
  private poorFrames = 0;
  private retrainedAt = -FALLBACK_WINDOW_FRAMES;

  /** One frame at 2400 bit/s while connected; `frame` counts frames of the call. */
  judge(frame: number, carrier: boolean, mseDb: number): 'retrain' | 'fallback' | null {
    this.lostFrames = carrier && mseDb > LOST_MSE_DB ? this.lostFrames + 1 : 0;
    this.poorFrames = carrier && mseDb > POOR_MSE_DB ? this.poorFrames + 1 : Math.max(0, this.poorFrames - 1);
    if (this.lostFrames < LOST_FRAMES && this.poorFrames < POOR_FRAMES) return null;
    this.lostFrames = 0;
    this.poorFrames = 0;
    if (frame - this.retrainedAt < FALLBACK_WINDOW_FRAMES) return 'fallback';
    this.retrainedAt = frame;
    return 'retrain';
  }

  /** After a retrain or a new connection: the counts start again (the window since the last retrain stays). */
  restart(): void {
    this.lostFrames = 0;
    this.poorFrames = 0;
  }
}

/** What the pump must do after a frame (V22bisLineWatch.frame). */
export type LineVerdict = 'carrier-lost' | 'retrain' | 'fallback' | null;

/**
 * Once a frame of a V.22bis call: the handshake's time limit, carrier loss while connected (S10), and at 2400 bit/s
 * LineQuality's verdict.
 */
export class V22bisLineWatch {
  private lostFrames = 0;
  private handshakeFrom = 0; // frame the current handshake (start-up, retrain or fallback) began
  private readonly quality = new LineQuality();

  constructor(
    private readonly timeoutFrames: number,
    private readonly lossFrames: number,
  ) {}

  /** A retrain or fallback begins at `frame`: the handshake's time limit runs from here. */
  handshakeBegins(frame: number): void {
    this.handshakeFrom = frame;
  }

  /** Connected (again): the quality counts start afresh. */
  connected(): void {
    this.quality.restart();
  }

  /** `judging`: connected at 2400 bit/s with no retrain or fallback on its way. */
  frame(frame: number, connected: boolean, carrier: boolean, judging: boolean, mseDb: number): LineVerdict {
    if (!connected) return frame - this.handshakeFrom > this.timeoutFrames ? 'carrier-lost' : null;
    this.lostFrames = carrier ? 0 : this.lostFrames + 1;
    if (this.lostFrames >= this.lossFrames) return 'carrier-lost';
    return judging ? this.quality.judge(frame, carrier, mseDb) : null;
  }
}

/** Of the last WINDOW symbols, this many on the 1200 bit/s points show the far end has fallen back. */
const WINDOW = 32;
const FAR_FALLBACK_POINTS = 24;

/**
 * Recognises the far end's fallback while connected at 2400 bit/s: it sends scrambled ones at 1200 bit/s, whose
 * points are all Q3Q4 = 01 (V.22bis §2.5), where 2400 bit/s data (scrambled, so random) put a quarter of the symbols:
 * 8 ± 2.5 of 32. 24 of 32 is more than six standard deviations out, yet survives a symbol error rate of 20 %.
 */
export class FarFallbackDetector {
  private history = 0;

  /** One received symbol's Q3Q4; true when the far end has fallen back to 1200 bit/s. */
  step(q34: number): boolean {
    this.history = ((this.history << 1) | (q34 === V22_Q34 ? 1 : 0)) >>> 0;
    return popcount32(this.history) >= FAR_FALLBACK_POINTS;
  }

  reset(): void {
    this.history = 0;
  }

  /** Symbols the decision looks back over (characters made of them are not data). */
  static readonly window = WINDOW;
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
