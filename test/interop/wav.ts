/**
 * Minimal RIFF/WAVE files for interop tests: writes 16-bit PCM mono; reads 8/16/24/32-bit integer PCM and 32/64-bit
 * IEEE float (WAVE_FORMAT_EXTENSIBLE too), any channel count (channel 0 is kept), into Int16 samples.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export interface Wav {
  sampleRate: number;
  /** Channels in the file; `samples` holds the first only. */
  channels: number;
  /** 1 (PCM) or 3 (IEEE float), after resolving WAVE_FORMAT_EXTENSIBLE. */
  format: number;
  bitsPerSample: number;
  samples: Int16Array;
}

/** 16-bit PCM, mono: a 44-byte canonical header and the samples little-endian. */
export function encodeWav(samples: Int16Array, sampleRate = 8000): Buffer {
  const data = samples.length * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  b.writeUInt16LE(1, 22); // channels
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28); // byte rate
  b.writeUInt16LE(2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i], 44 + 2 * i);
  return b;
}

export function writeWav(path: string, samples: Int16Array, sampleRate = 8000): void {
  writeFileSync(path, encodeWav(samples, sampleRate));
}

function clamp16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

export function decodeWav(b: Buffer): Wav {
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | null = null;
  let data: Buffer | null = null;
  for (let p = 12; p + 8 <= b.length;) {
    const id = b.toString('ascii', p, p + 4);
    let size = b.readUInt32LE(p + 4);
    const body = p + 8;
    // Writers that stream (sndfile to a pipe) may leave the size unset: take the rest of the file.
    if (id === 'data' && (size === 0 || size === 0xffffffff || body + size > b.length)) size = b.length - body;
    if (id === 'fmt ') {
      let format = b.readUInt16LE(body);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 26) format = b.readUInt16LE(body + 24); // SubFormat GUID's first 2 bytes
      fmt = {
        format,
        channels: b.readUInt16LE(body + 2),
        sampleRate: b.readUInt32LE(body + 4),
        blockAlign: b.readUInt16LE(body + 12),
        bits: b.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      data = b.subarray(body, body + size);
    }
    p = body + size + (size & 1);
  }
  if (!fmt) throw new Error('WAVE file without a fmt chunk');
  if (!data) throw new Error('WAVE file without a data chunk');
  const { format, channels, sampleRate, blockAlign, bits } = fmt;
  const n = Math.floor(data.length / blockAlign);
  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * blockAlign;
    let v: number;
    if (format === WAVE_FORMAT_PCM && bits === 16) v = data.readInt16LE(o);
    else if (format === WAVE_FORMAT_PCM && bits === 8) v = (data[o] - 128) << 8;
    else if (format === WAVE_FORMAT_PCM && bits === 24) v = data.readIntLE(o, 3) >> 8;
    else if (format === WAVE_FORMAT_PCM && bits === 32) v = data.readInt32LE(o) >> 16;
    else if (format === WAVE_FORMAT_IEEE_FLOAT && bits === 32) v = Math.round(data.readFloatLE(o) * 32767);
    else if (format === WAVE_FORMAT_IEEE_FLOAT && bits === 64) v = Math.round(data.readDoubleLE(o) * 32767);
    else throw new Error(`unsupported WAVE format ${format} with ${bits} bits per sample`);
    samples[i] = clamp16(v);
  }
  return { sampleRate, channels, format, bitsPerSample: bits, samples };
}

export function readWav(path: string): Wav {
  return decodeWav(readFileSync(path));
}
