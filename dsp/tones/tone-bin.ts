import { Goertzel, phaseOf } from '../filters/goertzel.ts';
import { SAMPLE_RATE } from '../q15.ts';

/** Q16 turns: 65536 is one cycle. */
export const TURN = 65536;

/** Wrap a Q16 angle difference into [−32768, 32768). */
export function wrapTurn(a: number): number {
  return ((a + 32768) & 0xffff) - 32768;
}

/** Q16 angle for a frequency error of `hz` over `blockSize` samples. Construction time only. */
export function turnsForHz(hz: number, blockSize: number): number {
  return Math.round(((hz * blockSize) / SAMPLE_RATE) * TURN);
}

/**
 * A Goertzel bin run on consecutive blocks, with the block-to-block phase advance measured against the nominal
 * frequency: `drift` is (measured − nominal) advance in Q16 turns, i.e. the frequency error as
 * drift·fs / (65536·blockSize) Hz, unambiguous within ±fs/(2·blockSize).
 */
export class ToneBin {
  readonly goertzel: Goertzel;
  private readonly nominal: number;
  power = 0;
  phase = 0;
  drift = 0;

  constructor(
    readonly freqHz: number,
    readonly blockSize: number,
  ) {
    this.goertzel = new Goertzel(freqHz, blockSize);
    this.nominal = turnsForHz(freqHz, blockSize) & 0xffff;
  }

  /** Analyse `x[offset .. offset+blockSize)`; returns the power (Int16² mean-square units). */
  process(x: Int16Array, offset = 0): number {
    const g = this.goertzel;
    this.power = g.process(x, offset);
    const ph = phaseOf(g.re, g.im);
    this.drift = wrapTurn(ph - this.phase - this.nominal);
    this.phase = ph;
    return this.power;
  }
}
