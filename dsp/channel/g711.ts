import type { ChannelStage } from './stage.ts';

/**
 * ITU-T G.711 PCM: 16-bit linear ↔ 8-bit A-law and μ-law characters, and the codec round trip as a channel stage.
 * Linear values are Int16 with the standard's 13-bit (A-law) or 14-bit (μ-law) scale in the top bits.
 */

/** μ-law bias: 33 in the 14-bit domain makes the segments start at 0, 31, 95, … (G.711 Table 2a). */
const ULAW_BIAS = 33;
/** μ-law clip: largest biased 14-bit magnitude, 8159 + 33 (G.711 Table 2a, last decision value 8159). */
const ULAW_CLIP = 8191;
/** A-law characters have their even bits inverted (G.711 §2: "the even bits ... are inverted"). */
const ALAW_XOR = 0x55;

/** Encode a 16-bit sample to a μ-law character (G.711 Table 2a; all 8 bits inverted on the line). */
export function linearToUlaw(sample: number): number {
  const negative = sample < 0;
  let m = ((negative ? -sample : sample) >> 2) + ULAW_BIAS;
  if (m > ULAW_CLIP) m = ULAW_CLIP;
  const segment = 31 - Math.clz32(m) - 5; // m ∈ [2^(seg+5), 2^(seg+6))
  const code = (segment << 4) | ((m >> (segment + 1)) & 0xf);
  return (negative ? 0x7f : 0xff) ^ code;
}

/** Decode a μ-law character to a 16-bit sample (G.711 Table 2a reconstruction values × 4). */
export function ulawToLinear(character: number): number {
  const c = ~character & 0xff;
  const segment = (c >> 4) & 7;
  const magnitude = ((((c & 0xf) << 3) + 4 * ULAW_BIAS) << segment) - 4 * ULAW_BIAS;
  return c & 0x80 ? -magnitude | 0 : magnitude; // | 0: no −0 for the negative zero 0x7F
}

/** Encode a 16-bit sample to an A-law character (G.711 Table 1a; even bits inverted on the line). */
export function linearToAlaw(sample: number): number {
  const negative = sample < 0;
  const m = (negative ? -sample - 1 : sample) >> 3; // 12-bit magnitude, ones' complement for negatives
  let code: number;
  if (m < 32) {
    code = m >> 1; // segments 0 and 1 share the step of 2 (G.711 Table 1a)
  } else {
    const segment = 31 - Math.clz32(m > 4095 ? 4095 : m) - 4; // m ∈ [2^(seg+4), 2^(seg+5))
    code = (segment << 4) | ((m >> segment) & 0xf);
  }
  return (negative ? 0x00 : 0x80) ^ code ^ ALAW_XOR;
}

/** Decode an A-law character to a 16-bit sample (G.711 Table 1a reconstruction values × 8). */
export function alawToLinear(character: number): number {
  const c = (character ^ ALAW_XOR) & 0xff;
  const segment = (c >> 4) & 7;
  const step = ((c & 0xf) << 4) + 8; // mid-step, 16-bit scale
  const magnitude = segment === 0 ? step : (step + 256) << (segment - 1);
  return c & 0x80 ? magnitude : -magnitude;
}

export type G711Law = 'ulaw' | 'alaw';

/** Every linear value's round trip through the codec, 64 KiB tabulated at construction. */
function roundTripTable(law: G711Law): Int16Array {
  const t = new Int16Array(65536);
  for (let x = -32768; x < 32768; x++) {
    t[x & 0xffff] = law === 'ulaw' ? ulawToLinear(linearToUlaw(x)) : alawToLinear(linearToAlaw(x));
  }
  return t;
}

const tables: Partial<Record<G711Law, Int16Array>> = {};

/** A G.711 PCM link: every sample is encoded and decoded (no delay, the quantisation is the whole effect). */
export class G711RoundTrip implements ChannelStage {
  private readonly table: Int16Array;

  constructor(readonly law: G711Law) {
    if (law !== 'ulaw' && law !== 'alaw') throw new Error(`G711RoundTrip: law must be 'ulaw' or 'alaw', got ${law}`);
    this.table = tables[law] ??= roundTripTable(law);
  }

  process(buf: Int16Array, n: number): void {
    const t = this.table;
    for (let i = 0; i < n; i++) buf[i] = t[buf[i] & 0xffff];
  }
}
