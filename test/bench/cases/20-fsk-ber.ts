/**
 * Bit error rate against SNR for every FSK channel, Dialtone and spandsp 0.0.6 side by side over the same noise.
 *
 * SNR is one definition for both: the transmitter's nominal level against white Gaussian noise over 0–4000 Hz
 * (dsp/channel/awgn.ts). Dialtone transmits at −10 dBm0, so its noise is Awgn({snrDb, signalDbm0: −10}); spandsp's
 * FSK transmitter uses its preset level, −14 dBm0 (measured here on the audio that passes through the transform and
 * reported as signal_dbm0), so its noise is Awgn({snrDb, signalDbm0: −14}). Both run the same O.150 2^15−1 PRBS
 * and the same self-synchronising checker (test/bench/fsk-ber.ts, test/interop/spandsp-modem.c).
 *
 * theory_ber: non-coherent binary FSK with orthogonal tones, ½·exp(−Eb/2N0), Eb/N0 = SNR + 10·log10(4000/baud).
 * theory_ber_correlated: the same receiver with these channels' real, non-orthogonal tone spacing (see fsk-ber.ts).
 */
import { Awgn } from '../../../dsp/channel/awgn.ts';
import { FSK_CHANNELS } from '../../../dsp/fsk/specs.ts';
import type { FskModulation } from '../../../dsp/fsk/specs.ts';
import { meanSquareToDbm0 } from '../../../dsp/q15.ts';
import { spandspBer } from '../../interop/spandsp.ts';
import type { SpandspChannel } from '../../interop/spandsp.ts';
import { DIALTONE_BER_LEVEL_DBM0, measureDialtoneBer, theoryBer, theoryBerCorrelated } from '../fsk-ber.ts';
import type { BenchCase, BenchRow } from '../row.ts';

/** spandsp 0.0.6 preset_fsk_specs tx_level: −14 dBm0 for every FSK channel. */
export const SPANDSP_FSK_LEVEL_DBM0 = -14;

interface BerChannel {
  /** Row label (unambiguous for Bell 103). */
  channel: string;
  modulation: FskModulation;
  /** Name in Dialtone's FSK_CHANNELS (bell103ch1 is Dialtone's ORIGINATE channel). */
  dialtone: string;
  /** Name for the spandsp peer (its bell103ch1 is the ANSWER channel, so use the aliases). */
  spandsp: SpandspChannel | 'bell103orig' | 'bell103ans';
}

const CHANNELS: readonly BerChannel[] = [
  { channel: 'v21ch1', modulation: 'v21', dialtone: 'v21ch1', spandsp: 'v21ch1' },
  { channel: 'v21ch2', modulation: 'v21', dialtone: 'v21ch2', spandsp: 'v21ch2' },
  { channel: 'bell103orig', modulation: 'bell103', dialtone: 'bell103ch1', spandsp: 'bell103orig' },
  { channel: 'bell103ans', modulation: 'bell103', dialtone: 'bell103ch2', spandsp: 'bell103ans' },
  { channel: 'v23ch1', modulation: 'v23', dialtone: 'v23ch1', spandsp: 'v23ch1' },
  { channel: 'v23ch2', modulation: 'v23', dialtone: 'v23ch2', spandsp: 'v23ch2' },
  { channel: 'bell202', modulation: 'bell202', dialtone: 'bell202', spandsp: 'bell202' },
];

const fskBer: BenchCase = async ({ quick }) => {
  const bits = quick ? 100_000 : 1_000_000;
  const rows: BenchRow[] = [];
  for (const c of CHANNELS) {
    const ch = FSK_CHANNELS[c.dialtone];
    const snrs = ch.baud >= 1200 ? [0, 3, 6, 9, 12, 15] : [0, 3, 6, 9, 12];
    for (const snr of snrs) {
      const seed = 1 + snr;
      const theory = { theory_ber: theoryBer(snr, ch.baud), theory_ber_correlated: theoryBerCorrelated(snr, ch) };
      const d = measureDialtoneBer(c.dialtone, snr, bits, seed);
      rows.push({
        kind: 'ber',
        modulation: c.modulation,
        channel: c.channel,
        implementation: 'dialtone',
        snr_db: snr,
        signal_dbm0: DIALTONE_BER_LEVEL_DBM0,
        bits: d.bits,
        errors: d.errors,
        missing: d.missing,
        resyncs: d.resyncs,
        ber: d.bits > 0 ? d.errors / d.bits : null,
        ...theory,
      });
      const awgn = new Awgn({ snrDb: snr, signalDbm0: SPANDSP_FSK_LEVEL_DBM0, seed });
      let sumSq = 0;
      let samples = 0;
      // The level is measured before the noise: 0.2 s of mark lead-in and PRBS, all at one constant envelope.
      const s = await spandspBer(c.spandsp as SpandspChannel, bits, (buf, n) => {
        for (let i = 0; i < n; i++) sumSq += buf[i] * buf[i];
        samples += n;
        awgn.process(buf, n);
      });
      rows.push({
        kind: 'ber',
        modulation: c.modulation,
        channel: c.channel,
        implementation: 'spandsp',
        snr_db: snr,
        signal_dbm0: Math.round(meanSquareToDbm0(sumSq / samples) * 100) / 100,
        bits: s.bits,
        errors: s.errors,
        missing: s.missing,
        resyncs: s.resyncs,
        ber: s.bits > 0 ? s.errors / s.bits : null,
        ...theory,
      });
    }
  }
  return rows;
};

export default fskBer;
