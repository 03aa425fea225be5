/**
 * Full-duplex telephone audio as the engine sees it: 8000 Hz, mono, Int16, in 20 ms frames of 160 samples. The
 * capture side is the master clock (shared/DESIGN.md): `next()` waits for the next captured frame, and the frame
 * to play is written against it, so transmit can never drift from receive. Backends: ALSA through alsa-utils
 * (a USB sound card, BlueALSA's SCO PCM) and the simulated twin; both refuse the same bad calls.
 */
export const AUDIO_RATE = 8000;
export const AUDIO_FRAME = 160;

export interface AudioStats {
  /** Frames made current by next(). */
  frames: number;
  /** Over- and underruns the device reported (ALSA xruns), each recovered without ending the call. */
  xruns: number;
  /** Captured audio thrown away because this process fell behind by more than the latency bound (samples). */
  droppedSamples: number;
  /** Frames of silence given because the capture clock stalled (a device restarting). */
  stalledFrames: number;
  /** Backend processes restarted after they died. */
  restarts: number;
}

export type AudioEvent =
  | { kind: 'xrun'; stream: 'capture' | 'playback'; detail: string }
  | { kind: 'restart'; stream: 'capture' | 'playback'; detail: string }
  | { kind: 'stall'; ms: number }
  | { kind: 'failed'; detail: string };

export interface AudioDevice {
  /** What the logs call it: the ALSA device names, "simulated". */
  readonly name: string;
  /** Between start() and stop(), and not failed. */
  readonly running: boolean;
  readonly stats: Readonly<AudioStats>;
  /** The frame the last next() made current (160 samples). */
  readonly captured: Int16Array;
  /** Opens capture and playback; resolves once the first frame has been captured. Rejects with AudioError. */
  start(): Promise<void>;
  /** Waits for the next captured frame and makes it current. False once stopped or failed. */
  next(): Promise<boolean>;
  /** The 160 samples to play in step with the current frame; a frame not written is played as silence. */
  write(frame: Int16Array): void;
  stop(): Promise<void>;
  onEvent(listener: (event: AudioEvent) => void): void;
}

export class AudioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioError';
  }
}

export function newAudioStats(): AudioStats {
  return { frames: 0, xruns: 0, droppedSamples: 0, stalledFrames: 0, restarts: 0 };
}

/** The checks every backend applies to write(), so the twin refuses what the real one would. */
export function checkWrite(running: boolean, frame: Int16Array, name: string): void {
  if (!running) throw new AudioError(`${name}: write() while the device is not running`);
  if (!(frame instanceof Int16Array) || frame.length < AUDIO_FRAME) throw new AudioError(`${name}: write() needs an Int16Array of ${AUDIO_FRAME} samples`);
}
