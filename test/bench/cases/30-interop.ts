/**
 * Dialtone against spandsp (test/interop/spandsp-modem.c): per modulation (the FSK families, V.22 and V.22bis) and
 * Dialtone role, the lowest SNR, in 1 dB steps down from 30 dB, at which the pair still carries the payload
 * error-free both ways; `bytes` and `errors` are those of the run at 30 dB.
 *
 * In-process for speed: Dialtone's FskDataPump (V22bisDataPump for V.22/V.22bis) joined to the spandsp peer by
 * ProgramParty (the exchange's lock-step protocol), through the exchange's own channel model in each direction (channelFor: 300-3400 Hz band
 * limit, then AWGN at snrDb below the -10 dBm0 nominal level; spandsp transmits at -14 dBm0, so its signal
 * reaches Dialtone 4 dB closer to the noise). Payload: 2 KiB each way (512 with --quick); V.23's 75 bit/s
 * backward channel carries 128 bytes. Bell 202 is half duplex: the Dialtone caller first sends 24 0xFF characters
 * to raise its carrier (the peer answerer connects on it), and each end sends once it has the other's payload or
 * the line is its turn, as in test/interop/dialtone-spandsp.test.ts.
 *
 * errors: payload bytes each receiver got wrong or missed, plus any stray bytes it delivered, both directions.
 * One noise realisation per SNR (the exchange's AWGN seeds), so a single unlucky character ends the search.
 * INTEROP_DEBUG=1 prints each run's outcome per direction on stderr.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TIMINGS, FskDataPump } from '../../../dsp/fsk/fsk-pump.ts';
import type { DataPump } from '../../../dsp/pump.ts';
import { V22bisDataPump } from '../../../dsp/qam/v22bis-pump.ts';
import { FSK_MODES } from '../../../dsp/fsk/specs.ts';
import { FRAME_SAMPLES } from '../../../dsp/q15.ts';
import { ProgramParty } from '../../../hal/line/program-party.ts';
import { channelFor } from '../../../hal/line/simulated-exchange.ts';
import { randomBytes } from '../../helpers/random.ts';
import { commandLine } from '../../interop/peer-call.ts';
import { SPANDSP_FAMILIES, spandspPeer, spandspQamPeer, type SpandspFamily, type SpandspQamModem } from '../../interop/spandsp.ts';
import type { BenchCase, BenchRow } from '../row.ts';

type Role = 'caller' | 'answerer';
const PRIME = Buffer.alloc(24, 0xff);

/** Stray bytes if `want` arrived whole inside `got`; else differing or missing positions, plus extra bytes. */
function byteErrors(got: Buffer, want: Buffer): number {
  if (got.indexOf(want) >= 0) return got.length - want.length;
  let e = Math.abs(got.length - want.length);
  for (let i = 0; i < Math.min(got.length, want.length); i++) if (got[i] !== want[i]) e++;
  return e;
}

/** The FSK families, then V.22 (1200 bit/s) and V.22bis (2400 bit/s) against spandsp's V.22bis modem. */
type Family = SpandspFamily | SpandspQamModem;
const QAM_RATE: Partial<Record<Family, 1200 | 2400>> = { v22: 1200, v22bis: 2400 };

/** Dialtone's pump for `m` in `role`, and the spandsp peer for the other end. */
function pair(m: Family, role: Role, peerFiles: { send: string; recv: string; expect: number }): { pump: DataPump; command: string } {
  const peerRole = role === 'caller' ? 'answerer' : 'caller';
  const rate = QAM_RATE[m];
  if (rate) {
    const peer = spandspQamPeer({ modem: m as SpandspQamModem, role: peerRole, ...peerFiles });
    return { pump: new V22bisDataPump(role, { maxRate: rate }), command: commandLine(peer) };
  }
  const peer = spandspPeer({ modem: m as SpandspFamily, role: peerRole, ...peerFiles });
  return { pump: new FskDataPump(FSK_MODES[m as SpandspFamily], role, DEFAULT_TIMINGS), command: commandLine(peer) };
}

export async function runCall(m: Family, role: Role, snrDb: number, size: number, dir: string): Promise<{ bytes: number; errors: number }> {
  const slow = m === 'v23' ? 128 : size; // the caller's direction on V.23 is 75 bit/s
  const sent = role === 'caller' ? slow : size;
  const expected = role === 'caller' ? size : slow;
  const fromDialtone = Buffer.from(randomBytes(sent, 11));
  const fromPeer = Buffer.from(randomBytes(expected, 12));
  const sendFile = join(dir, 'peer.send');
  const recvFile = join(dir, 'peer.recv');
  writeFileSync(sendFile, fromPeer);
  writeFileSync(recvFile, '');
  const halfDuplex = m === 'bell202';
  const primed = halfDuplex && role === 'caller';
  const { pump, command } = pair(m, role, { send: sendFile, recv: recvFile, expect: sent });
  const party = new ProgramParty(command, () => {});
  const up = channelFor({ snrDb, bandLimit: true });
  const down = channelFor({ snrDb, bandLimit: true });
  const tx = new Int16Array(FRAME_SAMPLES);
  const rx = new Int16Array(FRAME_SAMPLES);
  const toFar = new Int16Array(FRAME_SAMPLES);
  const fromFar = new Int16Array(FRAME_SAMPLES);
  const got: number[] = [];
  const out = primed ? Buffer.concat([PRIME, fromDialtone]) : fromDialtone;
  let queued = 0;
  // Line time allowed: half as much again as the payloads need, plus the handshake.
  const cps = (QAM_RATE[m] ?? 300) / 10;
  const lineSeconds = halfDuplex ? (sent + expected) / 120 : m === 'v23' ? Math.max(slow / 7.5, size / 120) : size / cps;
  const maxFrames = Math.ceil((1.5 * lineSeconds + 20) * 50);
  for (let f = 0; f < maxFrames; f++) {
    pump.process(rx, tx);
    if (pump.state === 'carrier-lost') break;
    if (pump.state === 'connected') {
      // Half duplex: the prime at once, the payload once the peer's has arrived.
      const limit = !halfDuplex ? out.length : got.length >= expected ? out.length : primed ? PRIME.length : 0;
      if (queued < limit) queued += pump.tx.queue.write(out.subarray(queued, limit));
    }
    for (const b of pump.rx.take()) got.push(b);
    toFar.set(tx);
    up.process(toFar, FRAME_SAMPLES);
    if (!(await party.frame(toFar, fromFar))) break;
    rx.set(fromFar);
    down.process(rx, FRAME_SAMPLES);
  }
  party.hangup();
  await new Promise((r) => setTimeout(r, 50));
  let recv = readFileSync(recvFile);
  if (primed) {
    // The peer keeps whichever prime characters came after it connected: k × 0xFF, then the payload.
    const lead = recv.length - fromDialtone.length;
    if (lead >= 0 && lead <= PRIME.length && recv.subarray(0, lead).every((x) => x === 0xff)) recv = recv.subarray(lead);
  }
  if (process.env.INTEROP_DUMP) writeFileSync(process.env.INTEROP_DUMP, Buffer.from(got));
  if (process.env.INTEROP_DEBUG)
    process.stderr.write(
      `${m} ${role} ${snrDb} dB: Dialtone got ${got.length}/${expected} (${byteErrors(Buffer.from(got), fromPeer)} errors, payload at ${Buffer.from(got).indexOf(fromPeer)}), peer got ${recv.length}/${sent} (${byteErrors(recv, fromDialtone)} errors), state ${pump.state}\n`,
    );
  return { bytes: sent + expected, errors: byteErrors(Buffer.from(got), fromPeer) + byteErrors(recv, fromDialtone) };
}

const interop: BenchCase = async ({ quick }) => {
  const size = quick ? 512 : 2048;
  const rows: BenchRow[] = [];
  for (const modulation of [...SPANDSP_FAMILIES, 'v22', 'v22bis'] as const) {
    for (const role of ['caller', 'answerer'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'dialtone-bench-interop-'));
      try {
        const at30 = await runCall(modulation, role, 30, size, dir);
        let minSnr: number | null = at30.errors === 0 ? 30 : null;
        for (let snr = 29; minSnr !== null && snr >= 0; snr--) {
          const r = await runCall(modulation, role, snr, size, dir);
          if (r.errors > 0) break;
          minSnr = snr;
        }
        rows.push({ kind: 'interop', modulation, role, peer: 'spandsp', min_snr_db: minSnr, bytes: at30.bytes, errors: at30.errors, payload_search: size });
        process.stderr.write(`bench: interop ${modulation} ${role}: min ${minSnr} dB\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return rows;
};

export default interop;
