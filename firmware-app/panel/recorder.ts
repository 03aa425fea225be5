/**
 * Opt-in call recording for diagnosis: both directions of a call as one stereo WAV (left: received from the line,
 * right: sent to it; 16-bit PCM, 8000 Hz) in `<state>/recordings`. Fed by the modem's frame taps while a call has
 * a line; started for a call when `modem.recording` is on at its first frame (configuration `recording.enabled`, or
 * AT#REC=1), finished at the call's end. Only the newest `keep` recordings stay. Never on by default.
 */
import { closeSync, mkdirSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../dsp/q15.ts';

const HEADER_BYTES = 44;
const FRAMES_PER_WRITE = 50; // one second of audio per write(2)

/** A canonical 44-byte RIFF/WAVE header for 16-bit PCM. */
export function wavHeader(dataBytes: number, channels: number, rate = SAMPLE_RATE): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export const RECORDING_NAME = /^call-[0-9TZ-]+-(outgoing|incoming)\.wav$/;

export class CallRecorder {
  readonly dir: string;
  private fd: number | null = null;
  private name: string | null = null;
  private dataBytes = 0;
  private readonly buf = Buffer.alloc(FRAMES_PER_WRITE * FRAME_SAMPLES * 4);
  private used = 0;

  constructor(
    stateDir: string,
    private readonly keep: number,
    private readonly log: (line: string) => void,
  ) {
    this.dir = join(stateDir, 'recordings');
  }

  get recordingNow(): string | null {
    return this.name;
  }

  /** The start of a call's recording; `direction` goes into the file name. */
  start(direction: 'outgoing' | 'incoming', at = new Date()): void {
    if (this.fd !== null) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      this.name = `call-${at.toISOString().replace(/[:.]/g, '-')}-${direction}.wav`;
      this.fd = openSync(join(this.dir, this.name), 'w', 0o640);
      writeSync(this.fd, wavHeader(0, 2));
      this.dataBytes = 0;
      this.used = 0;
      this.log(`recording: ${join(this.dir, this.name)}`);
    } catch (err) {
      this.log(`recording: cannot start in ${this.dir}: ${(err as Error).message}`);
      this.fd = null;
      this.name = null;
    }
  }

  /** One line frame: received and transmitted samples, interleaved left/right. */
  frame(rx: Int16Array, tx: Int16Array): void {
    if (this.fd === null) return;
    const b = this.buf;
    let o = this.used;
    for (let i = 0; i < rx.length; i++) {
      b.writeInt16LE(rx[i], o);
      b.writeInt16LE(tx[i], o + 2);
      o += 4;
    }
    this.used = o;
    if (this.used + rx.length * 4 > b.length) this.flush();
  }

  private flush(): void {
    if (this.fd === null || this.used === 0) return;
    try {
      writeSync(this.fd, this.buf, 0, this.used);
      this.dataBytes += this.used;
    } catch (err) {
      this.log(`recording: write failed, stopped: ${(err as Error).message}`);
      this.close();
    }
    this.used = 0;
  }

  /** The end of the call: the header gets its sizes; returns the file name (under `dir`), or null. */
  finish(): string | null {
    if (this.fd === null) return null;
    this.flush();
    const name = this.name;
    if (this.fd !== null) {
      try {
        writeSync(this.fd, wavHeader(this.dataBytes, 2), 0, HEADER_BYTES, 0);
      } catch (err) {
        this.log(`recording: cannot finish ${name}: ${(err as Error).message}`);
      }
    }
    this.close();
    this.prune();
    return name;
  }

  private close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.name = null;
  }

  /** Only the newest `keep` recordings stay (names sort by time). */
  private prune(): void {
    try {
      const files = readdirSync(this.dir)
        .filter((f) => RECORDING_NAME.test(f))
        .sort();
      for (const f of files.slice(0, Math.max(0, files.length - this.keep))) unlinkSync(join(this.dir, f));
    } catch {
      /* nothing to prune */
    }
  }
}
