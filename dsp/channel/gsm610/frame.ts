import { PARAM_BITS, PARAMS_PER_FRAME } from './tables.ts';

/** Bytes per frame in the common 33-byte frame format: a 0xD signature nibble, then the 260 bits MSB first. */
export const FRAME_BYTES = 33;
const SIGNATURE = 0xd;

/** Pack params[pOff .. pOff+76) into bytes[bOff .. bOff+33). */
export function packFrame(params: Int16Array, pOff: number, bytes: Uint8Array, bOff = 0): void {
  let acc = SIGNATURE;
  let bits = 4;
  let out = bOff;
  for (let i = 0; i < PARAMS_PER_FRAME; i++) {
    const w = PARAM_BITS[i];
    acc = (acc << w) | (params[pOff + i] & ((1 << w) - 1));
    bits += w;
    while (bits >= 8) {
      bits -= 8;
      bytes[out++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
}

/** Unpack bytes[bOff .. bOff+33) into params[pOff .. pOff+76). Returns false if the signature nibble is wrong. */
export function unpackFrame(bytes: Uint8Array, bOff: number, params: Int16Array, pOff = 0): boolean {
  if (bytes[bOff] >> 4 !== SIGNATURE) return false;
  let acc = bytes[bOff] & 0xf;
  let bits = 4;
  let inp = bOff + 1;
  for (let i = 0; i < PARAMS_PER_FRAME; i++) {
    const w = PARAM_BITS[i];
    while (bits < w) {
      acc = (acc << 8) | bytes[inp++];
      bits += 8;
    }
    bits -= w;
    params[pOff + i] = (acc >> bits) & ((1 << w) - 1);
    acc &= (1 << bits) - 1;
  }
  return true;
}
