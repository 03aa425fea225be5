/**
 * The basic arithmetic of GSM 06.10 §4.1 (ETSI EN 300 961): 16-bit words and 32-bit longs with saturation.
 * The codec is defined bit-exactly in these operations, so every step of the encoder and decoder goes through them.
 */

export const MIN_WORD = -32768;
export const MAX_WORD = 32767;
const MIN_LONG = -2147483648;
const MAX_LONG = 2147483647;

/** add(a, b): 16-bit addition with saturation (§4.1). */
export function add(a: number, b: number): number {
  const s = a + b;
  return s > MAX_WORD ? MAX_WORD : s < MIN_WORD ? MIN_WORD : s;
}

/** sub(a, b): 16-bit subtraction with saturation (§4.1). */
export function sub(a: number, b: number): number {
  const s = a - b;
  return s > MAX_WORD ? MAX_WORD : s < MIN_WORD ? MIN_WORD : s;
}

/** mult(a, b) = (a·b) >> 15, with mult(−32768, −32768) = 32767 (§4.1). */
export function mult(a: number, b: number): number {
  if (a === MIN_WORD && b === MIN_WORD) return MAX_WORD;
  return Math.imul(a, b) >> 15;
}

/** mult_r(a, b) = (a·b + 16384) >> 15, with mult_r(−32768, −32768) = 32767 (§4.1). */
export function multR(a: number, b: number): number {
  if (a === MIN_WORD && b === MIN_WORD) return MAX_WORD;
  return (Math.imul(a, b) + 16384) >> 15;
}

/** abs(a) with abs(−32768) = 32767 (§4.1). */
export function abs16(a: number): number {
  return a < 0 ? (a === MIN_WORD ? MAX_WORD : -a) : a;
}

/** L_add(a, b): 32-bit addition with saturation (§4.1). Integer-valued doubles are exact here. */
export function lAdd(a: number, b: number): number {
  const s = a + b;
  return s > MAX_LONG ? MAX_LONG : s < MIN_LONG ? MIN_LONG : s;
}

/** norm(L): left shifts that normalise a non-zero 32-bit value (§4.1). */
export function norm(l: number): number {
  return Math.clz32(l < 0 ? ~l : l) - 1;
}

/** Truncate to a 16-bit word, as the C reference's assignment of an int to a word does. */
export function toWord(x: number): number {
  return (x << 16) >> 16;
}

/** div(num, denum): 15-bit fractional division, 0 ≤ num ≤ denum, denum > 0 (§4.1). */
export function div15(num: number, denum: number): number {
  if (num === 0) return 0;
  let lNum = num;
  let q = 0;
  for (let k = 0; k < 15; k++) {
    q <<= 1;
    lNum <<= 1;
    if (lNum >= denum) {
      lNum -= denum;
      q += 1;
    }
  }
  return q;
}
