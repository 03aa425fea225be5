/**
 * The HDLC frame check sequences of V.42 §8.1.1.6 / ISO/IEC 3309: CRC-16 (x^16 + x^12 + x^5 + 1) and CRC-32
 * (the ISO 3309 32-bit polynomial), both computed bit-reflected (bits go LSB first on the line), register preset to
 * all ones, the FCS sent as the ones' complement of the register, low octet first. A receiver running the CRC over
 * the frame and its FCS ends with a fixed residue when the frame is intact.
 */

const TABLE16 = new Uint16Array(256);
const TABLE32 = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let a = n;
  let b = n;
  for (let k = 0; k < 8; k++) {
    a = a & 1 ? (a >>> 1) ^ 0x8408 : a >>> 1; // 0x1021 reflected
    b = b & 1 ? (b >>> 1) ^ 0xedb88320 : b >>> 1; // 0x04C11DB7 reflected
  }
  TABLE16[n] = a;
  TABLE32[n] = b >>> 0;
}

export const CRC16_INIT = 0xffff;
export const CRC32_INIT = 0xffffffff;
/** The register after a whole good frame, FCS included. */
export const CRC16_GOOD = 0xf0b8;
export const CRC32_GOOD = 0xdebb20e3;

export function crc16Update(crc: number, data: ArrayLike<number>, start = 0, end = data.length): number {
  let c = crc;
  for (let i = start; i < end; i++) c = (c >>> 8) ^ TABLE16[(c ^ data[i]) & 0xff];
  return c;
}

export function crc32Update(crc: number, data: ArrayLike<number>, start = 0, end = data.length): number {
  let c = crc >>> 0;
  for (let i = start; i < end; i++) c = ((c >>> 8) ^ TABLE32[(c ^ data[i]) & 0xff]) >>> 0;
  return c;
}

/** The FCS of `data` as transmitted: ones' complement of the register. */
export function fcs16(data: ArrayLike<number>, start = 0, end = data.length): number {
  return ~crc16Update(CRC16_INIT, data, start, end) & 0xffff;
}

export function fcs32(data: ArrayLike<number>, start = 0, end = data.length): number {
  return ~crc32Update(CRC32_INIT, data, start, end) >>> 0;
}

export type FcsLength = 16 | 32;
