/**
 * Dialtone's V.22bis pump against spandsp 0.0.6's V.22bis modem (test/interop/spandsp-modem.c --modem v22|v22bis),
 * joined frame by frame as the exchange joins an external program, with white noise at 30 dB SNR each way (against
 * each transmitter's own level: Dialtone −10 dBm0, spandsp −14 dBm0).
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { buildSpandspModem, parseQamReport, runLockstep, spandspQamPeer, type LockstepProgram, type SpandspQamModem } from '../../interop/spandsp.ts';
import { randomBytes } from '../../helpers/random.ts';

const PEER = join(dirname(fileURLToPath(import.meta.url)), 'qam-peer.ts');
const dir = mkdtempSync(join(tmpdir(), 'dialtone-qam-'));
test.before(() => {
  buildSpandspModem();
});
test.after.always(() => {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
});

function dialtone(role: 'caller' | 'answerer', extra: string[]): LockstepProgram {
  return { command: process.execPath, args: ['--import', 'tsx', PEER, '--role', role, ...extra] };
}

function noisy(snrDb: number, signalDbm0: number, seed: number): (f: Int16Array) => void {
  const awgn = new Awgn({ snrDb, signalDbm0, seed });
  return (f) => awgn.process(f, f.length);
}

const BYTES = 1500;

for (const modem of ['v22bis', 'v22'] as SpandspQamModem[]) {
  for (const role of ['caller', 'answerer'] as const) {
    test(`Dialtone ${role} and spandsp ${modem} exchange ${BYTES} bytes each way at 30 dB`, async (t) => {
      const file = (name: string): string => join(dir, `${modem}-${role}-${name}`);
      const mine = randomBytes(BYTES, 1);
      const theirs = randomBytes(BYTES, 2);
      writeFileSync(file('d.send'), mine);
      writeFileSync(file('s.send'), theirs);
      const r = await runLockstep(
        dialtone(role, ['--send', file('d.send'), '--recv', file('d.recv'), '--expect', String(BYTES)]),
        spandspQamPeer({
          modem,
          role: role === 'caller' ? 'answerer' : 'caller',
          send: file('s.send'),
          recv: file('s.recv'),
          expect: BYTES,
          verbose: true,
          maxSeconds: 60,
        }),
        { maxLineSeconds: 60, aToB: noisy(30, -10, 1), bToA: noisy(30, -14, 2) },
      );
      const rate = modem === 'v22bis' ? 2400 : 1200;
      t.log(`${modem} Dialtone ${role}: ${r.lineSeconds.toFixed(2)} s of line; Dialtone: ${r.a.stderr.trim().split('\n').join(' | ')}`);
      t.false(r.timedOut, r.b.stderr);
      t.is(parseQamReport(r.a.stderr).rate, rate, r.a.stderr);
      t.is(parseQamReport(r.b.stderr).rate, rate, r.b.stderr);
      t.deepEqual(new Uint8Array(readFileSync(file('d.recv'))), theirs);
      t.deepEqual(new Uint8Array(readFileSync(file('s.recv'))), mine);
    });
  }
}
