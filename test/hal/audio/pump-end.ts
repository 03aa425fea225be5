import type { AudioDevice } from '../../../hal/audio/audio-device.ts';
import type { DataPump } from '../../../dsp/pump.ts';

/** One end of a modem call whose audio goes through an AudioDevice: the device's capture clock drives the pump. */
export interface CallEnd {
  dev: AudioDevice;
  pump: DataPump;
  payload: Uint8Array;
  received: number[];
  connectedAtFrame: number | null;
  /** Called each frame (fault injection). */
  onFrame?: (frame: number) => void;
}

export function callEnd(dev: AudioDevice, pump: DataPump, payload: Uint8Array): CallEnd {
  return { dev, pump, payload, received: [], connectedAtFrame: null };
}

/** Runs an end until `done()` or `maxFrames`; once connected (and 1 s after) it sends its payload. */
export async function runEnd(end: CallEnd, maxFrames: number, done: () => boolean): Promise<void> {
  const tx = new Int16Array(160);
  let sent = 0;
  for (let f = 0; f < maxFrames && !done(); f++) {
    if (!(await end.dev.next())) break;
    end.onFrame?.(f);
    end.pump.process(end.dev.captured, tx);
    end.dev.write(tx);
    if (end.pump.state === 'connected' && end.connectedAtFrame === null) end.connectedAtFrame = f;
    if (end.connectedAtFrame !== null && f > end.connectedAtFrame + 50 && sent < end.payload.length) {
      sent += end.pump.tx.queue.write(end.payload, sent, Math.min(end.payload.length, sent + 16));
    }
    const got = end.pump.rx.take();
    for (const b of got) end.received.push(b);
  }
}

export function text(n: number, seed: number): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return 32 + ((x >>> 16) % 95);
  });
}
