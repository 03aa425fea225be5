/**
 * Line quality from what the data pump measures (dsp/pump.ts lineStats): SNR, receive level, carrier offset,
 * equaliser error, a bit error estimate and the retrain count. Shared by the panel and the MQTT `line` topic.
 * Runs a few times a second, outside the sample path, so floating point is fine here.
 */
import type { DataPump } from '../../dsp/pump.ts';
import { SAMPLE_RATE } from '../../dsp/q15.ts';
import { V22_BAUD, V22_ROLLOFF } from '../../dsp/qam/rrc.ts';

export interface LineQuality {
  /** Line SNR as the channel model defines it (signal over noise across 0–4000 Hz), dB. */
  snrDb: number | null;
  rxLevelDbm0: number | null;
  carrierOffsetHz: number | null;
  /** Equaliser mean squared error relative to the mean point power, dB. */
  eqMseDb: number | null;
  berEstimate: number | null;
  retrains: number | null;
}

export const NO_LINE: LineQuality = { snrDb: null, rxLevelDbm0: null, carrierOffsetHz: null, eqMseDb: null, berEstimate: null, retrains: null };

/**
 * From the equaliser's error to the line's SNR. The error is measured after the matched filter, whose noise
 * bandwidth is the symbol rate (600 Hz at V.22), while the line's noise spreads over 0–4000 Hz; the signal keeps
 * 1 − β/4 of its power through the matched filter (β = 0.75). So SNR_line = SNR_symbol − 10·log10(4000/600 ·
 * (1 − β/4)) = −mseDb − 7.3 dB (checked in test/app/line-quality.test.ts against the channel model from 15 to 35 dB).
 */
export const QAM_SNR_OFFSET_DB = 10 * Math.log10((SAMPLE_RATE / 2 / V22_BAUD) * (1 - V22_ROLLOFF / 4));

/** Gaussian tail probability Q(x), Abramowitz and Stegun 7.1.26 via erfc (|error| < 1.5e-7). */
export function qFunction(x: number): number {
  const z = x / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * Math.abs(z));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-z * z);
  return 0.5 * (z >= 0 ? erfc : 2 - erfc);
}

/**
 * Bit error estimate from the equaliser MSE, for Gaussian error: the points are one unit from their decision
 * boundaries at 2400 bit/s (16 points, 4 bits a symbol) and √5 units at 1200 bit/s (4 points, 2 bits). A wrong
 * decision costs about two bits after differential decoding, and the V.22 descrambler (1 + x^-14 + x^-17) turns
 * each wrong bit into three. An estimate for the dashboard, not a measurement.
 */
export function berFromMse(mseDb: number, sixteen: boolean): number {
  const sigma = Math.sqrt((10 * 10 ** (mseDb / 10)) / 2); // per dimension, units
  const d = sixteen ? 1 : Math.sqrt(5);
  const bits = sixteen ? 4 : 2;
  const perDimension = (sixteen ? 1.5 : 1) * qFunction(d / sigma); // outer points have one neighbour, inner two
  return Math.min(0.5, (2 * perDimension * 2 * 3) / bits);
}

const finite = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : Math.round(v * 100) / 100);

/** What the pump of the call in progress says about the line (all null between calls). */
export function lineQuality(pump: DataPump | null): LineQuality {
  if (!pump) return NO_LINE;
  const stats = pump.lineStats;
  const connected = pump.state === 'connected';
  const mse = stats?.mseDb;
  const useMse = mse !== undefined && connected && Number.isFinite(mse);
  return {
    snrDb: useMse ? finite(-mse - QAM_SNR_OFFSET_DB) : null,
    rxLevelDbm0: finite(pump.rxLevelDbm0),
    carrierOffsetHz: finite(stats?.carrierOffsetHz),
    eqMseDb: useMse ? finite(mse) : null,
    berEstimate: useMse ? Number(berFromMse(mse, pump.connectRate >= 2400).toExponential(2)) : null,
    retrains: pump.retrains ?? null,
  };
}
