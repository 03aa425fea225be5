/**
 * `node --import tsx test/interop/frame-meter.ts COUNT_FILE -- COMMAND...`: runs a lock-step program (see
 * docs/contracts.md, "A number routed to an external program") with its stdin and stdout passed through unchanged, and
 * keeps COUNT_FILE holding the number of 20 ms frames it has answered so far (rewritten every 25 frames and at
 * the end): the line time of a call as the exchange sees it, for tests that run on the fast clock.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const FRAME_BYTES = 320;
const [countFile, dashes, ...command] = process.argv.slice(2);
if (!countFile || dashes !== '--' || command.length === 0) {
  process.stderr.write('usage: frame-meter COUNT_FILE -- COMMAND...\n');
  process.exit(2);
}
let bytes = 0;
let written = -1;
const record = (): void => {
  const frames = Math.floor(bytes / FRAME_BYTES);
  if (frames === written) return;
  written = frames;
  writeFileSync(countFile, `${frames}\n`);
};
record();
const child = spawn(command.join(' '), { shell: true, stdio: ['pipe', 'pipe', 'inherit'] });
child.stdin.on('error', () => {});
process.stdin.pipe(child.stdin);
child.stdout.on('data', (chunk: Buffer) => {
  bytes += chunk.length;
  if (Math.floor(bytes / FRAME_BYTES / 25) !== Math.floor(written / 25)) record();
  process.stdout.write(chunk);
});
child.on('exit', (code) => {
  record();
  process.exitCode = code ?? 1;
});
