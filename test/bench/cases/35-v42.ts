/**
 * V.42 error control and V.42bis compression over V.22bis (2400 bit/s), both pumps complete and joined back to back
 * through the line model, data queued as fast as the link takes it, both directions at once. Rows of kind "v42":
 *   condition "clean" (30 dB SNR) and "bursts" (30 dB, plus 200 ms of noise at 0 dB SNR every 5 s, for 10 minutes of
 *   line time), random data and English text (the GPL-3 text), with and without V.42bis;
 *   bytes (sent each way), lost_bytes and duplicated_bytes (caller → answerer), retransmissions (both ends),
 *   throughput_cps (characters delivered per second of line time after CONNECT), compression_ratio (DTE characters
 *   per octet in I frames), recovery (SREJ when XID agreed it, else REJ; one bursts row with REJ alone); condition
 *   "spandsp-0.0.6": Dialtone calling spandsp's V.22bis + V.42 + V.42bis with 256 KiB of mixed data each way.
 *   Rows of kind "v42bis-ratio": the encoder alone on English text and on random data, beside
 *   the ceiling of the negotiated parameters (every codeword of log2(P1) bits standing for a P2-character string).
 */
import { V42bisDecoder } from '../../../dsp/v42/v42bis-decoder.ts';
import { V42bisEncoder } from '../../../dsp/v42/v42bis-encoder.ts';
import type { V42DataPump } from '../../../dsp/v42/v42-pump.ts';
import { ByteRing } from '../../../dsp/uart/byte-ring.ts';
import { ENGLISH } from '../../dsp/v42/corpus.ts';
import { compareStreams, runV42Call } from '../../dsp/v42/v42-call.ts';
import { randomBytes } from '../../helpers/random.ts';
import { mixedPayload } from '../../interop/v42-payload.ts';
import { runSpandspV42 } from '../../interop/v42-peer.ts';
import type { BenchCase, BenchRow } from '../row.ts';

const BURSTS = { periodMs: 5000, burstMs: 200, snrDb: 0 };
const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

function repeatText(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ENGLISH[i % ENGLISH.length];
  return out;
}

function callRow(condition: 'clean' | 'bursts', data: 'random' | 'text', compression: boolean, seconds: number, srej = true): BenchRow {
  const bytes = data === 'random' ? 330 * seconds : 800 * seconds; // more than the link can carry in `seconds`
  const sent = data === 'random' ? randomBytes(bytes, 21) : repeatText(bytes);
  const back = data === 'random' ? randomBytes(bytes, 22) : repeatText(bytes);
  const opts = { errorControl: 'required' as const, compression, srej };
  const r = runV42Call({
    caller: opts,
    answerer: opts,
    toAnswerer: sent,
    toCaller: back,
    seconds,
    line: { snrDb: 30 },
    bursts: condition === 'bursts' ? BURSTS : undefined,
  });
  const c = r.caller.pump as V42DataPump;
  const a = r.answerer.pump as V42DataPump;
  const got = r.answerer.got;
  // Whatever arrived must be the start of what was sent: count a mismatch past the common prefix as loss.
  const cmp = compareStreams(sent.subarray(0, got.length), got);
  const online = r.seconds - r.answerer.connectedAtS;
  return {
    kind: 'v42',
    modulation: 'v22bis',
    condition,
    data,
    compression: compression ? 'v42bis' : 'none',
    recovery: c.params.srej ? 'srej' : 'rej',
    line_seconds: round(r.seconds, 1),
    bytes: got.length,
    lost_bytes: cmp.lost,
    duplicated_bytes: cmp.duplicated,
    retransmissions: c.stats.retransmissions + a.stats.retransmissions,
    t401_timeouts: c.stats.timeouts + a.stats.timeouts,
    throughput_cps: round(got.length / online, 1),
    line_rate_cps: 240,
    compression_ratio: round(c.stats.lineBytesOut > 0 ? c.stats.dteBytesOut / c.stats.lineBytesOut : 1),
    link_state: c.state,
  };
}

/** Dialtone against spandsp 0.0.6 (V.22bis + V.42 + V.42bis, both encoders choosing their mode), 256 KiB each way. */
async function spandspRow(): Promise<BenchRow> {
  const sent = mixedPayload(3);
  const back = mixedPayload(300);
  const r = await runSpandspV42({
    role: 'caller',
    ours: { errorControl: 'required', compression: true, p1: 2048, p2: 32 },
    spandspV42bis: { p1: 2048, p2: 32, mode: 'dynamic' },
    toSpandsp: sent,
    toUs: back,
    maxSeconds: 1200,
  });
  const s = r.pump.stats;
  const toThem = compareStreams(sent, r.spandspGot);
  const toUs = compareStreams(back, r.got);
  const online = r.seconds - 5; // CONNECT after about 5 s of handshake
  return {
    kind: 'v42',
    modulation: 'v22bis',
    condition: 'spandsp-0.0.6',
    data: 'mixed',
    compression: 'v42bis',
    recovery: r.pump.params.srej ? 'srej' : 'rej',
    line_seconds: round(r.seconds, 1),
    bytes: r.spandspGot.length,
    lost_bytes: toThem.lost + toUs.lost,
    duplicated_bytes: toThem.duplicated + toUs.duplicated,
    retransmissions: s.retransmissions,
    t401_timeouts: s.timeouts,
    throughput_cps: round(Math.min(r.spandspGot.length, r.got.length) / online, 1),
    line_rate_cps: 240,
    compression_ratio: round(s.lineBytesOut > 0 ? s.dteBytesOut / s.lineBytesOut : 1),
    link_state: r.pump.state,
  };
}

function ratioRow(data: 'text' | 'random', p1: number, p2: number): BenchRow {
  const input = data === 'text' ? ENGLISH : randomBytes(ENGLISH.length, 5);
  const enc = new V42bisEncoder(p1, p2);
  const chunks: Uint8Array[] = [];
  for (const c of input) {
    enc.put(c);
    if (enc.out.length > 4096) chunks.push(enc.out.take());
  }
  enc.flush();
  chunks.push(enc.out.take());
  const out = Buffer.concat(chunks);
  const rx = new ByteRing(input.length);
  new V42bisDecoder(p1, p2).decode(out, rx);
  const ok = Buffer.compare(Buffer.from(rx.take()), Buffer.from(input)) === 0;
  return {
    kind: 'v42bis-ratio',
    modulation: 'v22bis',
    data,
    p1,
    p2,
    bytes: input.length,
    compressed_bytes: out.length,
    compression_ratio: round(input.length / out.length),
    ceiling_ratio: round((p2 * 8) / Math.log2(p1)),
    round_trip_exact: ok,
  };
}

const v42Bench: BenchCase = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const cleanSeconds = quick ? 60 : 120;
  const burstSeconds = quick ? 120 : 600;
  for (const [data, compression] of [
    ['random', false],
    ['random', true],
    ['text', false],
    ['text', true],
  ] as const) {
    rows.push(callRow('clean', data, compression, cleanSeconds));
    rows.push(callRow('bursts', data, compression, burstSeconds));
  }
  rows.push(callRow('bursts', 'random', false, burstSeconds, false)); // go-back-N (REJ) alone, for comparison
  rows.push(await spandspRow());
  for (const [p1, p2] of [
    [512, 6],
    [2048, 32],
    [4096, 250],
  ])
    for (const data of ['text', 'random'] as const) rows.push(ratioRow(data, p1, p2));
  return rows;
};

export default v42Bench;
