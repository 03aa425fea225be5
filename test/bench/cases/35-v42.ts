/**
 * V.42 error control and V.42bis compression over V.22bis (2400 bit/s), both pumps complete and joined back to back
 * through the line model, data queued as fast as the link takes it, both directions at once. Rows of kind "v42":
 *   condition "clean" (30 dB SNR) and "bursts" (30 dB, plus 200 ms of noise at 0 dB SNR every 5 s, for 10 minutes of
 *   line time), random data and English text (the GPL-3 text), with and without V.42bis;
 *   bytes (sent each way), lost_bytes and duplicated_bytes (caller → answerer), retransmissions (both ends),
 *   throughput_cps (characters delivered per second of line time after CONNECT), compression_ratio (DTE characters
 *   per octet in I frames). Rows of kind "v42bis-ratio": the encoder alone on English text and on random data, beside
 *   the ceiling of the negotiated parameters (every codeword of log2(P1) bits standing for a P2-character string).
 */
import { V42bisDecoder } from '../../../dsp/v42/v42bis-decoder.ts';
import { V42bisEncoder } from '../../../dsp/v42/v42bis-encoder.ts';
import type { V42DataPump } from '../../../dsp/v42/v42-pump.ts';
import { ByteRing } from '../../../dsp/uart/byte-ring.ts';
import { ENGLISH } from '../../dsp/v42/corpus.ts';
import { compareStreams, runV42Call } from '../../dsp/v42/v42-call.ts';
import { randomBytes } from '../../helpers/random.ts';
import type { BenchCase, BenchRow } from '../row.ts';

const BURSTS = { periodMs: 5000, burstMs: 200, snrDb: 0 };
const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

function repeatText(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ENGLISH[i % ENGLISH.length];
  return out;
}

function callRow(condition: 'clean' | 'bursts', data: 'random' | 'text', compression: boolean, seconds: number): BenchRow {
  const bytes = data === 'random' ? 330 * seconds : 800 * seconds; // more than the link can carry in `seconds`
  const sent = data === 'random' ? randomBytes(bytes, 21) : repeatText(bytes);
  const back = data === 'random' ? randomBytes(bytes, 22) : repeatText(bytes);
  const opts = { errorControl: 'required' as const, compression };
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
  for (const [p1, p2] of [
    [512, 6],
    [2048, 32],
    [4096, 250],
  ])
    for (const data of ['text', 'random'] as const) rows.push(ratioRow(data, p1, p2));
  return rows;
};

export default v42Bench;
