/**
 * The received spectrum for the panel: Welch's method (Hann windows of 256 samples, half overlapped) over the last
 * 1024 received samples, as dBm0 per 31.25 Hz bin. Computed a few times a second while someone watches, never on
 * the sample path, so it is plain floating point.
 */
export const FFT_SIZE = 256;
export const SPECTRUM_HISTORY = 1024;

const HANN = Float64Array.from({ length: FFT_SIZE }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FFT_SIZE));
const COS = Float64Array.from({ length: FFT_SIZE / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / FFT_SIZE));
const SIN = Float64Array.from({ length: FFT_SIZE / 2 }, (_, k) => Math.sin((2 * Math.PI * k) / FFT_SIZE));
const BITS = Math.log2(FFT_SIZE);
const REVERSE = Uint16Array.from({ length: FFT_SIZE }, (_, i) => {
  let r = 0;
  for (let b = 0; b < BITS; b++) r |= ((i >> b) & 1) << (BITS - 1 - b);
  return r;
});
/** Mean square of a 0 dBm0 signal: full scale (32767 peak) is +3.14 dBm0 (G.711). */
const ZERO_DBM0_MS = ((32767 * 32767) / 2) * 10 ** (-3.14 / 10);

/** In-place radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < FFT_SIZE; i++) {
    const j = REVERSE[i];
    if (j > i) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= FFT_SIZE; size <<= 1) {
    const half = size >> 1;
    const step = FFT_SIZE / size;
    for (let start = 0; start < FFT_SIZE; start += size) {
      for (let k = 0; k < half; k++) {
        const c = COS[k * step];
        const s = SIN[k * step];
        const a = start + k;
        const b = a + half;
        const tr = re[b] * c + im[b] * s;
        const ti = im[b] * c - re[b] * s;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** Keeps the last SPECTRUM_HISTORY received samples (a ring) and turns them into a spectrum on demand. */
export class SpectrumMeter {
  private readonly ring = new Int16Array(SPECTRUM_HISTORY);
  private pos = 0;
  private filled = 0;
  private readonly re = new Float64Array(FFT_SIZE);
  private readonly im = new Float64Array(FFT_SIZE);
  private readonly power = new Float64Array(FFT_SIZE / 2 + 1);

  push(samples: Int16Array): void {
    for (let i = 0; i < samples.length; i++) {
      this.ring[this.pos] = samples[i];
      this.pos = (this.pos + 1) & (SPECTRUM_HISTORY - 1);
    }
    this.filled = Math.min(SPECTRUM_HISTORY, this.filled + samples.length);
  }

  reset(): void {
    this.filled = 0;
  }

  /** dBm0 per bin, 0 to 4000 Hz (FFT_SIZE/2 + 1 bins), one decimal; null before a window's worth of samples. */
  spectrum(): number[] | null {
    if (this.filled < FFT_SIZE) return null;
    this.power.fill(0);
    const start = (this.pos - this.filled + SPECTRUM_HISTORY) & (SPECTRUM_HISTORY - 1);
    let windows = 0;
    for (let off = 0; off + FFT_SIZE <= this.filled; off += FFT_SIZE / 2) {
      for (let n = 0; n < FFT_SIZE; n++) {
        this.re[n] = this.ring[(start + off + n) & (SPECTRUM_HISTORY - 1)] * HANN[n];
        this.im[n] = 0;
      }
      fft(this.re, this.im);
      for (let k = 0; k <= FFT_SIZE / 2; k++) this.power[k] += this.re[k] * this.re[k] + this.im[k] * this.im[k];
      windows++;
    }
    // A sine of amplitude A gives |X| = A·N/4 under the Hann window: scale so its bin reads A²/2, its mean square.
    const scale = 8 / (FFT_SIZE * FFT_SIZE) / windows;
    return Array.from(this.power, (p) => Math.round(10 * Math.max(-99, 10 * Math.log10((p * scale) / ZERO_DBM0_MS + 1e-12))) / 10);
  }
}
