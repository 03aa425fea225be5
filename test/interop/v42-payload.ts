import { ENGLISH } from '../dsp/v42/corpus.ts';
import { randomBytes } from '../helpers/random.ts';

/** `size` bytes (256 KiB by default) of mixed English text and random data, 4 KiB pieces in turn. */
export function mixedPayload(seed: number, size = 256 * 1024): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let k = 0; n < size; k++) {
    const p = k % 2 === 0 ? ENGLISH.subarray((k * 4096) % 30000, ((k * 4096) % 30000) + 4096) : randomBytes(4096, seed + k);
    parts.push(p);
    n += p.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}
