/**
 * XID parameter negotiation (V.42 §8.3 and Table 11, ISO/IEC 8885 encoding): a format identifier, the parameter
 * negotiation group (HDLC optional functions, N401 and k each way) and the V.42bis private group (P0, P1, P2).
 * Each end states what it can do; the agreed value is the smaller of the two (P0: the directions both allow).
 */

export interface LinkParameters {
  /** Window: I frames outstanding, each way (1–127; V.42 default 15). */
  kTx: number;
  kRx: number;
  /** Maximum information field, octets, each way (default 128). */
  n401Tx: number;
  n401Rx: number;
  /** V.42bis: P0 directions (0 none, 1 initiator→responder, 2 responder→initiator, 3 both), P1 codewords, P2 string. */
  p0: number;
  p1: number;
  p2: number;
  /** Selective retransmission (SREJ, single I frame): offered, or agreed when both ends offer it. */
  srej: boolean;
}

export const V42_DEFAULTS: LinkParameters = { kTx: 15, kRx: 15, n401Tx: 128, n401Rx: 128, p0: 0, p1: 512, p2: 6, srej: false };

/**
 * HDLC optional functions (PI 3, ISO/IEC 8885; V.42 Table 11a): bit n is octet ⌊(n − 1)/8⌋, value 2^((n − 1) mod 8).
 * V.42 requires bits 2, 4, 8, 9, 12 and 16 (REJ, UI, extended address, …, modulo 128, 16-bit FCS); bit 3 is the
 * optional selective retransmission with single-frame SREJ.
 */
const OPTIONAL_FUNCTIONS = 0x8a8900;
const OF_SREJ = 0x040000;

const FI = 0x82;
const GI_PARAMS = 0x80;
const GI_PRIVATE = 0xf0;

function param(out: number[], pi: number, value: number, len: number): void {
  out.push(pi, len);
  for (let k = len - 1; k >= 0; k--) out.push((value >>> (8 * k)) & 0xff);
}

/** The XID information field stating `p` (as the sender sees its own transmit and receive sides). */
export function encodeXid(p: LinkParameters): Uint8Array {
  const g: number[] = [];
  param(g, 0x03, OPTIONAL_FUNCTIONS | (p.srej ? OF_SREJ : 0), 3);
  param(g, 0x05, p.n401Tx * 8, 2); // N401 in bits
  param(g, 0x06, p.n401Rx * 8, 2);
  param(g, 0x07, p.kTx, 1);
  param(g, 0x08, p.kRx, 1);
  const v: number[] = [];
  v.push(0x00, 3, 0x56, 0x34, 0x32); // parameter set identification "V42"
  param(v, 0x01, p.p0, 1);
  param(v, 0x02, p.p1, 2);
  param(v, 0x03, p.p2, 1);
  return Uint8Array.from([FI, GI_PARAMS, g.length >> 8, g.length & 0xff, ...g, GI_PRIVATE, v.length >> 8, v.length & 0xff, ...v]);
}

function readValue(f: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let k = 0; k < len; k++) v = v * 256 + f[at + k];
  return v;
}

/**
 * Read the parameters the far end stated (as seen from the far end). Unknown parameters are skipped; parameters
 * not present keep V.42's defaults (P0 = 0: no V.42bis). Returns null for a field that is not an XID field.
 */
export function decodeXid(f: Uint8Array): LinkParameters | null {
  if (f.length < 1 || f[0] !== FI) return null;
  const p: LinkParameters = { ...V42_DEFAULTS };
  let i = 1;
  while (i + 3 <= f.length) {
    const gi = f[i];
    const gl = readValue(f, i + 1, 2);
    const end = Math.min(f.length, i + 3 + gl);
    for (let j = i + 3; j + 2 <= end;) {
      const pi = f[j];
      const pl = f[j + 1];
      if (j + 2 + pl > end) break;
      const val = readValue(f, j + 2, pl);
      if (gi === GI_PARAMS) applyParam(p, pi, val, pl > 0 ? f[j + 2] : 0);
      else if (gi === GI_PRIVATE) applyPrivate(p, pi, val);
      j += 2 + pl;
    }
    i = end;
  }
  return p;
}

function applyParam(p: LinkParameters, pi: number, val: number, firstOctet: number): void {
  if (pi === 0x03) p.srej = (firstOctet & (OF_SREJ >>> 16)) !== 0;
  else if (pi === 0x05) p.n401Tx = Math.floor(val / 8);
  else if (pi === 0x06) p.n401Rx = Math.floor(val / 8);
  else if (pi === 0x07) p.kTx = val;
  else if (pi === 0x08) p.kRx = val;
}

function applyPrivate(p: LinkParameters, pi: number, val: number): void {
  if (pi === 0x01) p.p0 = val;
  else if (pi === 0x02) p.p1 = val;
  else if (pi === 0x03) p.p2 = val;
}

/**
 * What both ends agree on, seen from `mine`: our transmit side is bounded by the far receive side and so on.
 * `farIsInitiator` matters for P0's direction bits only when they differ from "both".
 */
export function negotiate(mine: LinkParameters, far: LinkParameters): LinkParameters {
  return {
    kTx: clamp(Math.min(mine.kTx, far.kRx), 1, 127),
    kRx: clamp(Math.min(mine.kRx, far.kTx), 1, 127),
    n401Tx: clamp(Math.min(mine.n401Tx, far.n401Rx), 1, 4096),
    n401Rx: clamp(Math.min(mine.n401Rx, far.n401Tx), 1, 4096),
    p0: mine.p0 & far.p0,
    p1: far.p1 >= 512 ? Math.min(mine.p1, far.p1) : mine.p1,
    p2: far.p2 >= 6 ? Math.min(mine.p2, far.p2) : mine.p2,
    srej: mine.srej && far.srej,
  };
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));
