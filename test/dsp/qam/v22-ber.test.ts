/**
 * Issue 4 targets, back to back over white noise (SNR over 0–4000 Hz against the −10 dBm0 transmit level):
 * V.22 BER ≤ 1e-5 at 12 dB; V.22bis BER ≤ 1e-5 at 16 dB with a 7 Hz carrier frequency offset. 300 000 scrambled
 * PRBS bits each, so ≤ 3 errors passes.
 */
import test from 'ava';
import { runLink } from './link.ts';

const BITS = 300_000;

test('V.22 (1200 bit/s DPSK): BER ≤ 1e-5 at 12 dB SNR', (t) => {
  const r = runLink({ rate: 1200, snrDb: 12, bits: BITS, seed: 12 });
  t.log(`V.22 12 dB: ${r.errors} errors in ${r.bits} bits, MSE ${r.mseDb.toFixed(1)} dB`);
  t.true(r.bits >= BITS - 100, `${r.bits} bits compared`);
  t.true(r.errors / r.bits <= 1e-5);
});

for (const offset of [7, -7]) {
  test(`V.22bis (2400 bit/s 16-QAM): BER ≤ 1e-5 at 16 dB SNR with ${offset} Hz frequency offset`, (t) => {
    const r = runLink({ rate: 2400, snrDb: 16, offsetHz: offset, bits: BITS, seed: 16 });
    t.log(
      `V.22bis 16 dB ${offset} Hz: ${r.errors} errors in ${r.bits} bits, MSE ${r.mseDb.toFixed(1)} dB, offset estimate ${r.offsetEstimateHz.toFixed(2)} Hz`,
    );
    t.true(r.bits >= BITS - 100, `${r.bits} bits compared`);
    t.true(r.errors / r.bits <= 1e-5);
    t.true(Math.abs(r.offsetEstimateHz - offset) < 0.3);
  });
}
