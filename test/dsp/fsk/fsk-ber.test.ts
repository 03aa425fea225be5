/**
 * The FSK receivers' error rate in white noise, pinned at one point per target (SNR: −10 dBm0 signal against noise
 * over 0–4000 Hz). Theory for these tone plans (non-coherent, |ρ| = |sinc(Δf·T)|, see test/bench/fsk-ber.ts):
 * V.21 at 3 dB (Eb/N0 14.3 dB, Δf·T = 2/3) 5.2e-5, Bell 202 at 9 dB (Eb/N0 14.2 dB, Δf·T = 5/6) 3.5e-6; with
 * orthogonal tones it would be 8.4e-7 and 8.9e-7. Measured over 5e6 bits: V.21 ch1 1.1e-5, ch2 1.3e-5,
 * Bell 202 3.0e-6. The bound, 1e-4, is about twice the V.21 theory and 30 times the Bell 202 theory.
 */
import test from 'ava';
import { measureDialtoneBer, theoryBerCorrelated } from '../../bench/fsk-ber.ts';
import { FSK_CHANNELS } from '../../../dsp/fsk/specs.ts';

const BITS = 1_000_000;
const BOUND = 1e-4;

for (const [channel, snr] of [
  ['v21ch1', 3],
  ['v21ch2', 3],
  ['bell202', 9],
] as const) {
  test(`${channel} at ${snr} dB SNR: BER ≤ 1e-4 over ${BITS} bits`, (t) => {
    const r = measureDialtoneBer(channel, snr, BITS);
    const ber = r.errors / r.bits;
    t.log(`${r.errors} errors in ${r.bits} bits: ${ber.toExponential(2)} (theory ${theoryBerCorrelated(snr, FSK_CHANNELS[channel]).toExponential(2)})`);
    t.is(r.resyncs, 0, 'the bit clock never slipped');
    t.is(r.missing, 0, 'every PRBS bit after the first lock was compared');
    t.true(r.bits >= BITS - 64, `compared ${r.bits} bits`);
    t.true(ber <= BOUND, `BER ${ber.toExponential(2)} above ${BOUND}`);
  });
}
