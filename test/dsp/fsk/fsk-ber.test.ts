/**
 * The FSK receivers' error rate in white noise at the target points (SNR: −10 dBm0 signal against noise
 * over 0–4000 Hz): V.21 and Bell 103 at 3 dB, V.23 forward and Bell 202 at 9 dB, each ≤ 1e-5 over 1e6 PRBS bits
 * (at most 10 errors). The chain is the bench's (test/bench/fsk-ber.ts): FskDemodulator → SyncBitClock taking
 * the demodulator's three-bit sequence decisions. Theory for one-bit non-coherent detection of these tone plans
 * (|ρ| = |sinc(Δf·T)|): V.21/Bell 103 at 3 dB and V.23 at 9 dB 5.2e-5 and 5.4e-5, Bell 202 at 9 dB 3.5e-6;
 * with orthogonal tones 8.4e-7 and 8.9e-7. The sequence decision uses the tones' phase continuity and does better.
 */
import test from 'ava';
import { measureDialtoneBer, theoryBer } from '../../bench/fsk-ber.ts';
import { FSK_CHANNELS } from '../../../dsp/fsk/specs.ts';

const BITS = 1_000_000;
const BOUND = 1e-5;

for (const [channel, snr] of [
  ['v21ch1', 3],
  ['v21ch2', 3],
  ['bell103ch1', 3],
  ['v23ch1', 9],
  ['bell202', 9],
] as const) {
  test(`${channel} at ${snr} dB SNR: BER ≤ 1e-5 over ${BITS} bits`, (t) => {
    const r = measureDialtoneBer(channel, snr, BITS);
    const ber = r.errors / r.bits;
    t.log(
      `${r.errors} errors in ${r.bits} bits: ${ber.toExponential(2)} (orthogonal-tone theory ${theoryBer(snr, FSK_CHANNELS[channel].baud).toExponential(2)})`,
    );
    t.is(r.resyncs, 0, 'the bit clock never slipped');
    t.is(r.missing, 0, 'every PRBS bit after the first lock was compared');
    t.true(r.bits >= BITS - 64, `compared ${r.bits} bits`);
    t.true(ber <= BOUND, `BER ${ber.toExponential(2)} above ${BOUND}`);
  });
}
