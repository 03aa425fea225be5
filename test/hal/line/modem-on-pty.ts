import type { ExecutionContext } from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatedAudioDevice } from '../../../hal/audio/simulated-audio.ts';
import type { PhoneLine } from '../../../hal/line/phone-line.ts';
import { PtyPort } from '../../../hal/serial/pty-port.ts';
import { AudioClock } from '../../../firmware-app/audio-clock.ts';
import { Modem } from '../../../firmware-app/modem.ts';
import { Terminal } from '../../helpers/terminal.ts';

/**
 * The daemon's modem on a real pseudo-terminal with a terminal program on it, its line one of the real-line
 * backends whose audio is the audio twin. Frames are paced to the wall clock while no call audio runs (as on the
 * appliance), and as fast as the audio twin gives them during a call. On teardown the terminal, modem, port and
 * line close in that order, then `after` runs (a stand-in's own shutdown); RIG_LOG=1 prints the log.
 */
export async function modemOnPty(t: ExecutionContext, o: { line: PhoneLine; audio: SimulatedAudioDevice; log: string[]; after?: () => Promise<void> | void }) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-line-'));
  const port = new PtyPort(join(dir, 'modem'));
  const modem = new Modem({ port, line: o.line, clock: new AudioClock('realtime', () => o.audio), log: (l) => o.log.push(l), stateDir: null });
  const term = await Terminal.open(join(dir, 'modem'));
  t.teardown(async () => {
    if (process.env.RIG_LOG) console.error(o.log.join('\n'));
    await term.close();
    modem.close();
    port.close();
    o.line.close();
    await o.after?.();
  });
  return { modem, port, term };
}
