import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AUDIO_FRAME, checkWrite, newAudioStats } from './audio-device.ts';
import type { AudioDevice, AudioEvent, AudioStats } from './audio-device.ts';

/**
 * What sits at the other end of the simulated sound card or SCO link: each frame it hears what Dialtone played in
 * the previous frame and says the frame Dialtone captures next (a fake exchange, a far modem).
 */
export type AudioFarEnd = (heard: Int16Array, said: Int16Array) => void;

export interface SimulatedAudioOptions {
  name?: string;
  /** `fast`: frames as fast as the CPU allows (tests); `realtime`: one per 20 ms. */
  pace?: 'fast' | 'realtime';
}

/** The audio twin: the same contract as the ALSA backend, its clock virtual, its far end a function. */
export class SimulatedAudioDevice implements AudioDevice {
  readonly name: string;
  readonly stats: AudioStats = newAudioStats();
  readonly captured = new Int16Array(AUDIO_FRAME);
  running = false;
  private readonly played = new Int16Array(AUDIO_FRAME);
  private written = true;
  private far: AudioFarEnd | null = null;
  private listeners: ((e: AudioEvent) => void)[] = [];
  private nextAt = 0;
  private pendingXruns = 0;
  starts = 0;

  constructor(private readonly o: SimulatedAudioOptions = {}) {
    this.name = o.name ?? 'simulated';
  }

  /** Connects the far end (null: silence both ways). */
  connect(far: AudioFarEnd | null): void {
    this.far = far;
  }

  onEvent(listener: (e: AudioEvent) => void): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    this.running = true;
    this.starts++;
    this.nextAt = 0;
    this.played.fill(0);
  }

  async next(): Promise<boolean> {
    if (!this.running) return false;
    if (!this.written) this.played.fill(0);
    this.written = false;
    await this.pace();
    if (!this.running) return false;
    if (this.pendingXruns > 0) {
      // An overrun loses the frame the card could not hand over; the far end's clock has moved on regardless.
      this.pendingXruns--;
      this.stats.xruns++;
      for (const l of this.listeners) l({ kind: 'xrun', stream: 'capture', detail: 'simulated overrun' });
      if (this.far) this.far(this.played, this.captured);
    }
    if (this.far) this.far(this.played, this.captured);
    else this.captured.fill(0);
    this.stats.frames++;
    return true;
  }

  private async pace(): Promise<void> {
    if (this.o.pace !== 'realtime') {
      if (this.stats.frames % 8 === 0) await yieldToLoop();
      return;
    }
    const now = performance.now();
    if (this.nextAt === 0 || now - this.nextAt > 200) this.nextAt = now;
    this.nextAt += 20;
    const wait = this.nextAt - now;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  }

  write(frame: Int16Array): void {
    checkWrite(this.running, frame, this.name);
    this.written = true;
    this.played.set(frame.subarray(0, AUDIO_FRAME));
  }

  /** Tests: the next frame is lost to an overrun, as on a real card when the process is late. */
  injectXrun(): void {
    this.pendingXruns++;
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}
