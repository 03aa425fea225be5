/** Seeded test randomness (float is fine in test models). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

/** Box–Muller Gaussian source. */
export function gaussian(seed: number): () => number {
  const r = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - r();
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    spare = m * Math.sin(2 * Math.PI * v);
    return m * Math.cos(2 * Math.PI * v);
  };
}

/** Add white noise at `noiseDbm0` (over 0–4000 Hz) to Int16 samples, in place, with saturation. */
export function addNoise(buf: Int16Array, n: number, noiseDbm0: number, g: () => number): void {
  const rms = (32767 / Math.SQRT2) * Math.pow(10, (noiseDbm0 - 3.14) / 20);
  for (let i = 0; i < n; i++) buf[i] = Math.max(-32768, Math.min(32767, Math.round(buf[i] + rms * g())));
}
