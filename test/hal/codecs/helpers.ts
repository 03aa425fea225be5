/**
 * For the codec tests: the reference harness (amr-ref.c, linked against the libraries the ordinary way, built on
 * demand), a speech-like test signal, and small signal measurements.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameErasures } from '../../../hal/codecs/index.ts';
import type { AmrFrameCoder } from '../../../hal/codecs/amr-round-trip.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, 'amr-ref.c');
const BINARY = join(here, 'bin', 'amr-ref');

/** Compiles amr-ref.c if missing or stale (needs libopencore-amrnb-dev, libopencore-amrwb-dev, libvo-amrwbenc-dev). */
export function buildAmrRef(): string {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= statSync(SOURCE).mtimeMs) return BINARY;
  mkdirSync(dirname(BINARY), { recursive: true });
  const tmp = `${BINARY}.tmp-${process.pid}`;
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', tmp, SOURCE, '-lopencore-amrnb', '-lopencore-amrwb', '-lvo-amrwbenc'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    rmSync(tmp, { force: true });
    const detail = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    throw new Error(`cannot compile amr-ref.c (needs cc, libopencore-amrnb-dev, libopencore-amrwb-dev, libvo-amrwbenc-dev): ${detail}`);
  }
  renameSync(tmp, BINARY);
  return BINARY;
}

export interface RefRun {
  /** The coded frames, each as the encoder returned it. */
  frames: Uint8Array[];
  /** The decoded samples. */
  speech: Int16Array;
}

/** Runs the reference harness: `modes` and `lost` give each frame's mode index and loss flag. */
export function runAmrRef(kind: 'nb' | 'wb', dtx: boolean, speech: Int16Array, modes: Uint8Array, lost: Uint8Array): RefRun {
  const bin = buildAmrRef();
  const dir = mkdtempSync(join(tmpdir(), 'amr-ref-'));
  try {
    const p = (name: string) => join(dir, name);
    writeFileSync(p('in.s16'), new Uint8Array(speech.buffer, speech.byteOffset, speech.byteLength));
    writeFileSync(p('modes'), modes);
    writeFileSync(p('lost'), lost);
    execFileSync(bin, [kind, dtx ? '1' : '0', p('in.s16'), p('modes'), p('lost'), p('frames'), p('out.s16')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const raw = readFileSync(p('frames'));
    const frames: Uint8Array[] = [];
    for (let i = 0; i < raw.length;) {
      const len = raw[i];
      frames.push(new Uint8Array(raw.subarray(i + 1, i + 1 + len)));
      i += 1 + len;
    }
    const out = readFileSync(p('out.s16'));
    return { frames, speech: new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/**
 * A speech-like signal at `rate`: a gliding pitch (100–220 Hz) with 1/h harmonics up to 3.6 kHz (7 kHz at 16 kHz)
 * under a syllabic envelope, breath noise, and a pause of near silence every second (so DTX has something to do).
 */
export function speechLike(samples: number, rate: number, seed: number, peak = 12000): Int16Array {
  const rnd = lcg(seed);
  const out = new Int16Array(samples);
  let phase = 0;
  const top = rate === 8000 ? 3600 : 7000;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const f0 = 160 + 60 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h * f0 < top; h++) v += Math.sin(h * phase) / h;
    const inPause = t % 1 > 0.7;
    const env = inPause ? 0.002 : 0.3 + 0.7 * Math.abs(Math.sin(2 * Math.PI * 2.5 * t));
    out[i] = Math.round(peak * 0.5 * env * v + (inPause ? 20 : 300) * rnd());
  }
  return out;
}

/** A sine at `freq` Hz. */
export function tone(samples: number, rate: number, freq: number, peak: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(peak * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/**
 * SNR in dB of `out` against `ref` delayed by `delay` samples, over [from, to) of `out`, with the best gain applied
 * first (so a codec's level change is not counted as noise).
 */
export function snrDb(ref: Int16Array, out: Int16Array, delay: number, from: number, to: number): number {
  let rr = 0;
  let ro = 0;
  for (let i = from; i < to; i++) {
    rr += ref[i - delay] * ref[i - delay];
    ro += ref[i - delay] * out[i];
  }
  const g = ro / rr;
  let sig = 0;
  let err = 0;
  for (let i = from; i < to; i++) {
    const r = g * ref[i - delay];
    sig += r * r;
    err += (out[i] - r) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

/** The lag in 0..maxLag at which `out` best matches `ref` (normalised cross-correlation over [from, to)). */
export function bestLag(ref: Int16Array, out: Int16Array, maxLag: number, from: number, to: number): number {
  let best = 0;
  let bestC = -Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let c = 0;
    let e = 0;
    for (let i = from; i < to; i++) {
      c += ref[i - lag] * out[i];
      e += ref[i - lag] * ref[i - lag];
    }
    const nc = c / Math.sqrt(e);
    if (nc > bestC) {
      bestC = nc;
      best = lag;
    }
  }
  return best;
}

/** Runs a stage over `input` in blocks of varying length (1 to 400 samples), as a channel chain might. */
export function runInBlocks(stage: { process(buf: Int16Array, n: number): void }, input: Int16Array, seed = 7): Int16Array {
  const out = Int16Array.from(input);
  const rnd = lcg(seed);
  for (let i = 0; i < out.length;) {
    const n = Math.min(out.length - i, 1 + Math.floor((rnd() + 0.5) * 400));
    stage.process(out.subarray(i, i + n), n);
    i += n;
  }
  return out;
}

/**
 * SINAD in dB of a tone at `freq` in `y` over [from, to): the least-squares fit of a sine and a cosine at that
 * frequency is the signal, everything else noise and distortion. Blind to phase, so the encoder's 80 Hz high-pass
 * (TS 26.090 §4.2.1) and the codec's delay do not count against it.
 */
export function toneSinad(y: Int16Array, freq: number, rate: number, from: number, to: number): number {
  let yc = 0;
  let ys = 0;
  let cc = 0;
  let ss = 0;
  let cs = 0;
  const w = (2 * Math.PI * freq) / rate;
  for (let i = from; i < to; i++) {
    const c = Math.cos(w * i);
    const s = Math.sin(w * i);
    yc += y[i] * c;
    ys += y[i] * s;
    cc += c * c;
    ss += s * s;
    cs += c * s;
  }
  const det = cc * ss - cs * cs;
  const a = (yc * ss - ys * cs) / det;
  const b = (ys * cc - yc * cs) / det;
  let sig = 0;
  let err = 0;
  for (let i = from; i < to; i++) {
    const r = a * Math.cos(w * i) + b * Math.sin(w * i);
    sig += r * r;
    err += (y[i] - r) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

/**
 * Codes `speech` frame by frame through the addon's AMR `codec` (closed afterwards) in the given modes, `lost[f]`
 * marking a frame the decoder gets as bad: the coded frames and the decoded samples, to compare with runAmrRef.
 */
export function codeWithAddon(
  codec: AmrFrameCoder,
  frameSamples: number,
  maxFrameBytes: number,
  speech: Int16Array,
  modes: Uint8Array,
  lost: Uint8Array,
): { frames: Uint8Array[]; speech: Int16Array } {
  const frame = new Uint8Array(maxFrameBytes);
  const pcm = new Int16Array(frameSamples);
  const frames: Uint8Array[] = [];
  const out = new Int16Array(speech.length);
  for (let f = 0; f < modes.length; f++) {
    const len = codec.encode(speech.subarray(f * frameSamples, (f + 1) * frameSamples), frame, modes[f]);
    frames.push(frame.slice(0, len));
    codec.decode(frame, pcm, lost[f] === 1);
    out.set(pcm, f * frameSamples);
  }
  codec.close();
  return { frames, speech: out };
}

/** The frames FrameErasures(rate, seed) loses out of `frames`, as 1 (lost) or 0. */
export function lossPattern(frames: number, rate: number, seed: number): Uint8Array {
  const e = new FrameErasures(rate, seed);
  return Uint8Array.from({ length: frames }, () => (e.next() ? 1 : 0));
}
