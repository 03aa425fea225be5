import type { GuardTone } from './v22-modulator.ts';

/** The V.22bis / V.22 start-up sequences' states, options and timings (V.22bis §6.3, V.22 §6.3), for v22bis-pump.ts. */

/**
 * Handshake and data states (V.22bis §6.3.1, V.22 §6.3), as they appear in logs and telemetry:
 *   answerer: answer-tone → answer-silence → send-usb1 → (S1 heard) send-s1 → send-sb1 → send-sb1-2400 → connected
 *                                                      → (scrambled ones heard: a V.22 caller) send-sb1 → connected
 *   caller:   await-usb1 → caller-silence → send-s1 → send-sb1 → (S1 heard) send-sb1-2400 → connected
 *                                                             → (scrambled ones, no S1: a V.22 answerer) connected
 *   Bell 212A answerer: bell-answer-tone (2225 Hz until the caller's scrambled ones) → send-sb1 → connected (1200)
 *   caller hearing 2225 Hz instead of unscrambled ones: caller-silence → send-sb1 (no S1) → connected (1200)
 *   both:     connected → (S1 heard or retrain()) send-s1 → … → connected  (V.22bis §6.3.1.3 retrain)
 *             connected (2400) → (a poor line after a retrain, or the far end's 1200 bit/s points) send-sb1 →
 *             connected (1200)  (fallback, line-quality.ts)
 *             any → carrier-lost
 */
export type V22bisState =
  | 'answer-tone'
  | 'answer-silence'
  | 'bell-answer-tone'
  | 'send-usb1'
  | 'await-usb1'
  | 'caller-silence'
  | 'send-s1'
  | 'send-sb1'
  | 'send-sb1-2400'
  | 'connected'
  | 'carrier-lost';

export interface V22bisPumpOptions {
  /** 2400 offers V.22bis; 1200 behaves as a V.22 modem (no S1, never 16 points). */
  maxRate?: 1200 | 2400;
  txLevelDbm0?: number;
  guardTone?: GuardTone;
  /** V.25 §4.2 answer tone, ms (3300 ± 700; default 3000, so that CONNECT comes within 5 s). */
  answerToneMs?: number;
  /** Far carrier may vanish this long in data before the call is dropped (S10). */
  carrierLossMs?: number;
  /** Give up a handshake that has not connected after this long. */
  handshakeTimeoutMs?: number;
  /**
   * Bell 212A: answering, send the Bell answer tone (2225 Hz) until the caller's scrambled ones, instead of the
   * V.25 answer tone and unscrambled ones, and never offer 2400. A caller needs no option: it takes the Bell path
   * when it hears 2225 Hz.
   */
  bell?: boolean;
  /**
   * Calling: a Bell 212A originate modem that answers only the 2225 Hz tone (no V.22 unscrambled ones), as a 212A
   * that knows nothing of V.22 does.
   */
  bellOnly?: boolean;
}

export const SYMBOLS_PER_MS = 0.6;
export const sym = (ms: number): number => Math.round(ms * SYMBOLS_PER_MS);
/** V.22bis §6.3.1.1.1 b): 155 ± 10 ms of unscrambled binary 1 before the caller acts on it. */
export const USB1_DETECT = sym(155);
/** ... then 456 ± 10 ms of silence. */
export const CALLER_SILENCE = sym(456);
/** S1, the double dibit 00 11 at 1200 bit/s: 100 ± 3 ms. */
export const S1_SYMBOLS = sym(100);
/** Recognising S1: this many alternating 00/11 dibits (a third of it, so that a retrain is answered in time). */
export const S1_DETECT = 20;
/** §6.3.1.1.1 c)/d): 16-way decisions from 450 ms, 2400 bit/s from 600 ms, data after 200 ms more. */
export const SIXTEEN_AFTER = sym(450);
export const RATE_CHANGE_AFTER = sym(600);
export const S1111_SYMBOLS = sym(200);
/** §6.3.1.2: scrambled binary 1 recognised after 270 ± 40 ms; data 765 ± 10 ms later. */
export const SB1_DETECT_BITS = Math.round(0.27 * 1200);
export const V22_DATA_AFTER = sym(765);
/** Delay of the equaliser's output behind its newest input: centre tap 9 of 16 half-symbol taps. */
export const EQUALISER_DELAY_SYMBOLS = 3;
/** Bits of an 8N1 character: start, 8 data, stop (the pump's framer format). */
export const CHAR_BITS = 10;
