/**
 * The synchronous bit clock (dsp/uart/sync-bit-clock.ts) on noisy per-sample FSK decisions: at 0 dB SNR the
 * decisions flip at noise as well as at bit edges. Pulled by 1/8 of each flip's error, the clock slipped in these
 * same runs 4 (V.21 ch1), 13 (ch2), 10 and 5 (Bell 103) and 57 (V.23) times, each slip a re-synchronisation of the
 * checker; with a gear-shifted loop ending at 1/32 it holds. The hard decisions are sampled here, not the sequence
 * decisions, so the error rate is the one-bit detector's and only the clock is under test.
 */
import test from 'ava';
import { measureDialtoneBer } from '../../bench/fsk-ber.ts';

for (const channel of ['v21ch1', 'bell103ch2', 'v23ch1', 'v21ch2', 'bell103ch1']) {
  test(`${channel} at 0 dB SNR: the bit clock never slips over 2e5 bits`, (t) => {
    const r = measureDialtoneBer(channel, 0, 200_000, 1, false);
    t.log(`${r.errors} errors in ${r.bits} bits, ${r.resyncs} re-synchronisations`);
    t.is(r.resyncs, 0);
    t.is(r.missing, 0);
  });
}
