/** Square-root raised-cosine pulses, floating point: construction time only. */

/**
 * Roll-off of the V.22 / V.22bis transmit spectrum: the square root of a raised cosine with 75 % roll-off (V.22
 * §2.5, V.22bis §2.5.2, "transmitted spectrum"), 600 baud → 525 Hz either side of the carrier, which is what leaves
 * room for the 1800 Hz guard tone between the 1200 and 2400 Hz channels. The receiver's matched filter uses the same
 * pulse, so the chain is a full raised cosine and free of intersymbol interference at the symbol instants.
 */
export const V22_ROLLOFF = 0.75;
export const V22_BAUD = 600;

/** RRC impulse response at `t` symbol periods (unit energy per symbol period when sampled densely). */
export function rrcAt(t: number, beta: number): number {
  if (Math.abs(t) < 1e-9) return 1 - beta + (4 * beta) / Math.PI;
  if (Math.abs(Math.abs(t) - 1 / (4 * beta)) < 1e-9) {
    return (beta / Math.SQRT2) * ((1 + 2 / Math.PI) * Math.sin(Math.PI / (4 * beta)) + (1 - 2 / Math.PI) * Math.cos(Math.PI / (4 * beta)));
  }
  const num = Math.sin(Math.PI * t * (1 - beta)) + 4 * beta * t * Math.cos(Math.PI * t * (1 + beta));
  return num / (Math.PI * t * (1 - (4 * beta * t) ** 2));
}

/** Raised cosine spectrum R(f), R(0) = 1, for symbol rate 1 (f in units of the baud). */
export function raisedCosineSpectrum(f: number, beta: number): number {
  const a = Math.abs(f);
  if (a <= (1 - beta) / 2) return 1;
  if (a >= (1 + beta) / 2) return 0;
  return 0.5 * (1 + Math.cos((Math.PI / beta) * (a - (1 - beta) / 2)));
}
