import { Resampler } from '../../dsp/filters/resampler.ts';
import { AlsaStream } from './alsa-stream.ts';
import { AUDIO_FRAME, AUDIO_RATE, AudioError, checkWrite, newAudioStats } from './audio-device.ts';
import type { AudioDevice, AudioEvent, AudioStats } from './audio-device.ts';
import { SampleFifo } from './sample-fifo.ts';

export interface AlsaAudioOptions {
  /** Capture PCM (e.g. `plughw:CARD=Device`, `bluealsa:PROFILE=sco`). */
  capture: string;
  /** Playback PCM; usually the same card. */
  playback: string;
  /** The rate the device runs at: 8000, 16000 (mSBC), 44100 or 48000; resampled here to and from 8000. */
  rate?: number;
  /** ALSA period: how often the card hands over audio. Default 10 ms (modem turnaround wants it short). */
  periodMs?: number;
  /** ALSA buffer in periods (default 4). */
  periods?: number;
  /** Silence queued for playback at start: the cushion against underruns. Default 2 periods. */
  prefillMs?: number;
  /** Captured audio older than this is dropped when this process falls behind; playback likewise. Default 200 ms. */
  maxLatencyMs?: number;
  /** No frame from the card for this long: play on with silent frames while the capture program restarts. */
  stallMs?: number;
  env?: NodeJS.ProcessEnv;
  arecord?: string;
  aplay?: string;
}

const RESTART_WINDOW_MS = 10_000;
const MAX_RESTARTS = 5;

/** ALSA audio through `arecord`/`aplay` child processes, resampled at the edge (see docs/hardware.md, *Audio*). */
export class AlsaAudioDevice implements AudioDevice {
  readonly name: string;
  readonly stats: AudioStats = newAudioStats();
  readonly captured = new Int16Array(AUDIO_FRAME);
  running = false;
  private readonly rate: number;
  private readonly capture: AlsaStream;
  private readonly playback: AlsaStream;
  private readonly fifo: SampleFifo;
  private readonly down: Resampler | null;
  private readonly up: Resampler | null;
  private readonly inScratch: Int16Array;
  private readonly outScratch: Int16Array;
  private readonly playScratch: Int16Array;
  private readonly silence = new Int16Array(AUDIO_FRAME);
  private odd: number | null = null; // a byte left over from a chunk that ended mid-sample
  private waiter: ((ok: boolean) => void) | null = null;
  private written = true;
  private owed = 0; // samples given as silence while the capture clock stalled
  private restartTimes: number[] = [];
  private listeners: ((e: AudioEvent) => void)[] = [];
  private readonly maxPlayBytes: number;

  constructor(private readonly o: AlsaAudioOptions) {
    this.rate = o.rate ?? AUDIO_RATE;
    this.name = o.capture === o.playback ? o.capture : `${o.capture}/${o.playback}`;
    const periodMs = o.periodMs ?? 10;
    const periodUs = periodMs * 1000;
    const bufferUs = periodUs * (o.periods ?? 4);
    const common = { rate: this.rate, periodUs, bufferUs, env: o.env };
    this.capture = new AlsaStream({
      ...common,
      kind: 'capture',
      device: o.capture,
      program: o.arecord,
      onData: (c) => this.onCaptured(c),
      onXrun: (d) => this.xrun('capture', d),
      onExit: (d) => this.died('capture', d),
    });
    this.playback = new AlsaStream({
      ...common,
      kind: 'playback',
      device: o.playback,
      program: o.aplay,
      onXrun: (d) => this.xrun('playback', d),
      onExit: (d) => this.died('playback', d),
    });
    const maxLatencyMs = o.maxLatencyMs ?? 200;
    this.fifo = new SampleFifo(Math.max(2 * AUDIO_FRAME, (maxLatencyMs * AUDIO_RATE) / 1000));
    this.maxPlayBytes = Math.round((maxLatencyMs * this.rate) / 1000) * 2;
    this.down = this.rate === AUDIO_RATE ? null : new Resampler(this.rate, AUDIO_RATE);
    this.up = this.rate === AUDIO_RATE ? null : new Resampler(AUDIO_RATE, this.rate);
    this.inScratch = new Int16Array(65536);
    this.outScratch = new Int16Array(this.down ? this.down.maxOutput(65536) : 0);
    this.playScratch = new Int16Array(this.up ? this.up.maxOutput(AUDIO_FRAME) : AUDIO_FRAME);
  }

  onEvent(listener: (e: AudioEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(e: AudioEvent): void {
    for (const l of this.listeners) l(e);
  }

  get pids(): { capture: number | undefined; playback: number | undefined } {
    return { capture: this.capture.pid, playback: this.playback.pid };
  }

  /** For tests of recovery: kill one of the programs as a failing device would. */
  killStream(stream: 'capture' | 'playback'): void {
    (stream === 'capture' ? this.capture : this.playback).kill();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.fifo.clear();
    this.odd = null;
    this.owed = 0;
    this.running = true;
    this.capture.start();
    this.playback.start();
    this.playSilence(this.o.prefillMs ?? 2 * (this.o.periodMs ?? 10));
    const first = await this.waitFrame(3000);
    if (!first) {
      const why = this.capture.lastWords || this.playback.lastWords || 'no audio within 3 s';
      await this.stop();
      throw new AudioError(`audio device ${this.name} did not start: ${why}`);
    }
    // The first frame proves the clock runs; it stays queued for the first next().
  }

  private playSilence(ms: number): void {
    for (let t = 0; t < ms; t += 20) this.writeOut(this.silence);
  }

  private onCaptured(chunk: Buffer): void {
    let bytes = chunk;
    if (this.odd !== null) {
      bytes = Buffer.concat([Buffer.from([this.odd]), chunk]);
      this.odd = null;
    }
    if (bytes.length & 1) {
      this.odd = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    for (let off = 0; off < bytes.length; off += this.inScratch.length * 2) {
      const n = Math.min(this.inScratch.length, (bytes.length - off) >> 1);
      for (let i = 0; i < n; i++) this.inScratch[i] = bytes.readInt16LE(off + 2 * i);
      let src = this.inScratch;
      let count = n;
      if (this.down) {
        src = this.outScratch;
        count = this.down.process(this.inScratch, n, this.outScratch);
      }
      // Samples that arrive for frames already given as silence are late: drop them to keep the timeline.
      const late = Math.min(this.owed, count);
      this.owed -= late;
      this.stats.droppedSamples += late + this.fifo.push(src.subarray(late), count - late);
    }
    if (this.waiter && this.fifo.length >= AUDIO_FRAME) {
      const w = this.waiter;
      this.waiter = null;
      w(true);
    }
  }

  /** Resolves true when a frame is queued, false after `ms` without one (or when the device stops). */
  private waitFrame(ms: number): Promise<boolean> {
    if (this.fifo.length >= AUDIO_FRAME) return Promise.resolve(true);
    if (!this.running) return Promise.resolve(false);
    return new Promise((resolve) => {
      // Timers run before pending I/O after the loop was blocked: look again once I/O has had its turn, so a busy
      // process is not mistaken for a stalled card.
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (this.waiter !== waiter) return;
            this.waiter = null;
            resolve(false);
          }),
        ms,
      );
      const waiter = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      this.waiter = waiter;
    });
  }

  async next(): Promise<boolean> {
    if (!this.running) return false;
    if (!this.written) this.writeOut(this.silence); // keep playback in step with capture
    this.written = false;
    const stallMs = this.o.stallMs ?? 200;
    if (!(await this.waitFrame(stallMs))) {
      if (!this.running) return false;
      // The capture clock stalled (the program is restarting): carry on with silence at the stall's pace.
      this.captured.fill(0);
      this.owed = Math.min(this.owed + AUDIO_FRAME, this.fifo.capacity);
      this.stats.stalledFrames++;
      this.emit({ kind: 'stall', ms: stallMs });
    } else {
      this.fifo.pop(this.captured, AUDIO_FRAME);
    }
    this.stats.frames++;
    return true;
  }

  write(frame: Int16Array): void {
    checkWrite(this.running, frame, this.name);
    this.written = true;
    this.writeOut(frame);
  }

  private writeOut(frame: Int16Array): void {
    let samples = frame.subarray(0, AUDIO_FRAME);
    if (this.up) samples = this.playScratch.subarray(0, this.up.process(samples, AUDIO_FRAME, this.playScratch));
    if (this.playback.backlogBytes > this.maxPlayBytes) {
      this.stats.droppedSamples += AUDIO_FRAME; // the player is not taking audio: do not let latency grow
      return;
    }
    const out = Buffer.allocUnsafe(samples.length * 2);
    for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], 2 * i);
    this.playback.write(out);
  }

  private xrun(stream: 'capture' | 'playback', detail: string): void {
    this.stats.xruns++;
    this.emit({ kind: 'xrun', stream, detail });
  }

  private died(stream: 'capture' | 'playback', detail: string): void {
    if (!this.running) return;
    const now = Date.now();
    this.restartTimes = this.restartTimes.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.restartTimes.length >= MAX_RESTARTS) {
      this.fail(`${detail}; gave up after ${MAX_RESTARTS} restarts in ${RESTART_WINDOW_MS / 1000} s`);
      return;
    }
    this.restartTimes.push(now);
    this.stats.restarts++;
    this.emit({ kind: 'restart', stream, detail });
    setTimeout(() => {
      if (!this.running) return;
      const s = stream === 'capture' ? this.capture : this.playback;
      s.start();
      if (stream === 'playback') this.playSilence(this.o.prefillMs ?? 2 * (this.o.periodMs ?? 10));
    }, 50);
  }

  private fail(detail: string): void {
    this.emit({ kind: 'failed', detail });
    void this.stop();
  }

  async stop(): Promise<void> {
    this.running = false;
    const w = this.waiter;
    this.waiter = null;
    w?.(false);
    await Promise.all([this.capture.stop(), this.playback.stop()]);
    this.down?.reset();
    this.up?.reset();
  }
}
