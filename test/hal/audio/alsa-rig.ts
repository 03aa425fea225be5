import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A test asoundrc with ALSA's `file` plugin over the `null` device: PCMs `playA`/`capA` and `playB`/`capB`: what A plays
 * goes into a FIFO that B captures, and the other way round, so audio written by one
 * AlsaAudioDevice through aplay comes out of the other's arecord. ALSA_CONFIG_PATH replaces the system configuration,
 * so nothing here depends on the machine's sound cards.
 */
export interface AlsaRig {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function makeAlsaRig(extra = ''): AlsaRig {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-alsa-'));
  for (const f of ['a.fifo', 'b.fifo']) execFileSync('mkfifo', [join(dir, f)]);
  // The file plugin also copies captured audio to its `file`: capture PCMs send that copy to /dev/null.
  const out = (name: string, fifo: string) => `pcm.${name} { type file; slave.pcm { type null }; file "${join(dir, fifo)}"; format "raw" }\n`;
  const inp = (name: string, fifo: string) =>
    `pcm.${name} { type file; slave.pcm { type null }; file "/dev/null"; infile "${join(dir, fifo)}"; format "raw" }\n`;
  const conf = [
    // A plays into a.fifo and hears b.fifo; B the other way round: two ends of one line.
    out('playA', 'a.fifo'),
    inp('capA', 'b.fifo'),
    out('playB', 'b.fifo'),
    inp('capB', 'a.fifo'),
    `pcm.sink { type file; slave.pcm { type null }; file "${join(dir, 'sink.raw')}"; format "raw" }\n`,
    `pcm.source { type file; slave.pcm { type null }; file "/dev/null"; infile "${join(dir, 'source.raw')}"; format "raw" }\n`,
    extra,
  ].join('');
  writeFileSync(join(dir, 'asoundrc'), conf);
  return {
    dir,
    env: { ...process.env, ALSA_CONFIG_PATH: join(dir, 'asoundrc') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
