/**
 * Bit error rate against SNR for V.22 (1200 bit/s, four-phase DPSK) and V.22bis (2400 bit/s, 16-QAM), Dialtone and
 * spandsp 0.0.6 side by side, each beside theory.
 *
 * SNR: the transmitter's level against white Gaussian noise over 0–4000 Hz (dsp/channel/awgn.ts), Dialtone at
 * −10 dBm0, spandsp at the level it measurably sends (about −12.5 dBm0; it asks for −14, see measureSpandspLevel). Bits: the ITU-T O.150 2^15−1 PRBS through each modem's scrambler, counted
 * after the descrambler by the same self-synchronising checker (test/bench/fsk-ber.ts, spandsp-modem.c).
 * Dialtone: back to back (test/dsp/qam/link.ts: 1 s of scrambled ones at 1200 bit/s, 0.5 s at 2400, then data), the
 * receiver following the handshake's schedule. spandsp: a full call between two spandsp peers (its own V.22bis
 * handshake, --prbs), noise both ways; `connected` false when it did not get through the handshake.
 *
 * theory_ber — V.22: coherent Gray QPSK with differential decoding, 2·Q(√(2Eb/N0)), Eb/N0 = SNR + 10·log10(4000/1200).
 * V.22bis: square 16-QAM symbol error Ps = 1 − (1 − 1.5·Q(√(Es/5N0)))², Es/N0 = SNR + 10·log10(4000/600), as bits
 * Ps/4 (one bit per symbol error). Both before the descrambler, which multiplies isolated errors by 3 (1 + x^-14 +
 * x^-17): theory_ber_descrambled = 3·theory_ber.
 *
 * Also kind 'connect' (issue 4): Dialtone V.22bis caller and answerer pumps, CALLS calls per condition (SNR 12, 16,
 * 20, 30 dB; frequency offset 0 and 7 Hz; and a band-limited line with group-delay distortion at 20 dB), each a
 * full handshake then 300 bytes each way: how many reached 2400, how many fell back to 1200, how many carried the
 * bytes exactly, and the slowest CONNECT.
 */
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { meanSquareToDbm0 } from '../../../dsp/q15.ts';
import { parseQamReport, runLockstep, spandspQamPeer } from '../../interop/spandsp.ts';
import { BandLimit } from '../../../dsp/channel/band-limit.ts';
import { FrequencyOffset } from '../../../dsp/channel/frequency-offset.ts';
import type { ChannelStage } from '../../../dsp/channel/stage.ts';
import { connectCall, GroupDelayDistortion, runLink } from '../../dsp/qam/link.ts';
import type { BenchCase, BenchRow } from '../row.ts';

/** Q(x), the Gaussian tail: a series for small x, the continued fraction beyond (accurate far below 1e-9). */
function qfunc(x: number): number {
  if (x < 0) return 1 - qfunc(-x);
  if (x < 3) {
    // Series for erf.
    const z = x / Math.SQRT2;
    let term = z;
    let sum = z;
    for (let n = 1; n < 100; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return 0.5 - sum / Math.sqrt(Math.PI);
  }
  // Continued fraction for the tail.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / (x + f);
  return Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI) / (x + f);
}

export function theoryBerV22(snrDb: number): number {
  const ebN0 = 10 ** ((snrDb + 10 * Math.log10(4000 / 1200)) / 10);
  return 2 * qfunc(Math.sqrt(2 * ebN0));
}

export function theoryBerV22bis(snrDb: number): number {
  const esN0 = 10 ** ((snrDb + 10 * Math.log10(4000 / 600)) / 10);
  const p = 1.5 * qfunc(Math.sqrt(esN0 / 5));
  return (2 * p - p * p) / 4; // 1 − (1 − p)², without the cancellation
}

/**
 * spandsp's V.22bis transmit level as it comes out: v22bis_init asks for −14 dBm0, but its gain constant gives about
 * −12.5 dBm0 of data signal. Measured once per run on a noiseless call (6–8 s: the data phase), so that the noise is
 * set against the level actually sent, as for Dialtone.
 */
async function measureSpandspLevel(modem: 'v22' | 'v22bis'): Promise<number> {
  let frame = 0;
  let sumSq = 0;
  let samples = 0;
  await runLockstep(
    spandspQamPeer({ modem, role: 'caller', prbs: 8000, maxSeconds: 12 }),
    spandspQamPeer({ modem, role: 'answerer', prbs: 8000, maxSeconds: 12 }),
    {
      maxLineSeconds: 12,
      aToB: (f) => {
        if (++frame > 300 && frame <= 400) for (let i = 0; i < f.length; i++) sumSq += f[i] * f[i];
        if (frame > 300 && frame <= 400) samples += f.length;
      },
    },
  );
  return Math.round(meanSquareToDbm0(sumSq / samples) * 100) / 100;
}

async function spandspPairBer(modem: 'v22' | 'v22bis', snrDb: number, bits: number, seed: number, level: number): Promise<BenchRow> {
  const awgnA = new Awgn({ snrDb, signalDbm0: level, seed });
  const awgnB = new Awgn({ snrDb, signalDbm0: level, seed: seed + 1000 });
  const rate = modem === 'v22' ? 1200 : 2400;
  const seconds = 12 + (bits / rate) * 1.2;
  const r = await runLockstep(
    spandspQamPeer({ modem, role: 'caller', prbs: bits, maxSeconds: seconds }),
    spandspQamPeer({ modem, role: 'answerer', prbs: bits, maxSeconds: seconds }),
    { maxLineSeconds: seconds, aToB: (f) => awgnA.process(f, f.length), bToA: (f) => awgnB.process(f, f.length) },
  );
  // The answerer's receiver counts the caller's PRBS (the low channel, as Dialtone's figure is the high channel's:
  // both directions are the same modem, so either stands for the pair).
  const rep = parseQamReport(r.b.stderr);
  const ber = rep.ber;
  return {
    kind: 'ber',
    modulation: modem,
    implementation: 'spandsp',
    snr_db: snrDb,
    signal_dbm0: level,
    connected: rep.rate === rate,
    bits: ber?.bits ?? 0,
    errors: ber?.errors ?? 0,
    missing: ber?.missing ?? bits,
    resyncs: ber?.resyncs ?? 0,
    ber: ber && ber.bits > 0 && rep.rate === rate ? ber.errors / ber.bits : null,
  };
}

const qamBer: BenchCase = async ({ quick }) => {
  const bits = quick ? 30_000 : 300_000;
  const spandspBits = quick ? 10_000 : 50_000;
  const rows: BenchRow[] = [];
  const plan = [
    { modulation: 'v22' as const, rate: 1200 as const, snrs: [4, 6, 8, 10, 12], theory: theoryBerV22, offsets: [0] },
    { modulation: 'v22bis' as const, rate: 2400 as const, snrs: [10, 12, 14, 16, 18, 20, 24, 28], theory: theoryBerV22bis, offsets: [0, 7] },
  ];
  for (const p of plan) {
    const level = await measureSpandspLevel(p.modulation);
    for (const snr of p.snrs) {
      const theory = { theory_ber: p.theory(snr), theory_ber_descrambled: Math.min(0.5, 3 * p.theory(snr)) };
      for (const offset of p.offsets) {
        const d = runLink({ rate: p.rate, snrDb: snr, bits, seed: 1 + snr, offsetHz: offset || undefined });
        rows.push({
          kind: 'ber',
          modulation: p.modulation,
          implementation: 'dialtone',
          snr_db: snr,
          offset_hz: offset,
          signal_dbm0: -10,
          connected: d.bits > 0,
          bits: d.bits,
          errors: d.errors,
          missing: d.missing,
          resyncs: d.resyncs,
          ber: d.bits > 0 ? d.errors / d.bits : null,
          mse_db: Math.round(d.mseDb * 10) / 10,
          ...theory,
        });
      }
      rows.push({ ...(await spandspPairBer(p.modulation, snr, spandspBits, 1 + snr, level)), offset_hz: 0, ...theory });
    }
  }
  rows.push(...connectTable(quick ? 5 : 20));
  return rows;
};

function connectTable(calls: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const conditions: { line: string; snr: number; offset: number; stages: (seed: number) => ChannelStage[] }[] = [];
  for (const snr of [12, 16, 20, 30]) {
    for (const offset of [0, 7]) {
      conditions.push({
        line: 'flat',
        snr,
        offset,
        stages: (seed) => [...(offset ? [new FrequencyOffset(offset)] : []), new Awgn({ snrDb: snr, signalDbm0: -10, seed })],
      });
    }
  }
  conditions.push({
    line: 'band-limited+group-delay',
    snr: 20,
    offset: 0,
    stages: (seed) => [new BandLimit(), new GroupDelayDistortion(), new Awgn({ snrDb: 20, signalDbm0: -10, seed })],
  });
  for (const c of conditions) {
    const results = Array.from({ length: calls }, (_, i) => connectCall((dir) => c.stages(100 + 7 * i + 1000 * dir), 100 + i));
    rows.push({
      kind: 'connect',
      modulation: 'v22bis',
      implementation: 'dialtone',
      line: c.line,
      snr_db: c.snr,
      offset_hz: c.offset,
      calls,
      connect_2400: results.filter((r) => r.rate === 2400).length,
      connect_1200: results.filter((r) => r.rate === 1200).length,
      clean: results.filter((r) => r.clean).length,
      max_connect_s: Math.max(...results.map((r) => r.connectSeconds)),
    });
  }
  return rows;
}

export default qamBer;
