import test from 'ava';
import { BandLimit } from '../../../dsp/channel/band-limit.ts';
import { FRAME_SAMPLES } from '../../../dsp/q15.ts';
import { FseEqualizer, UNIT } from '../../../dsp/qam/equalizer.ts';
import { rrcAt, V22_ROLLOFF } from '../../../dsp/qam/rrc.ts';
import { V22bisEncoder, V22_Q34 } from '../../../dsp/qam/v22-constellation.ts';
import { bandpassMatchedFilter, MF_HALF, matchedFilterTable, V22Demodulator } from '../../../dsp/qam/v22-demodulator.ts';
import { V22Modulator } from '../../../dsp/qam/v22-modulator.ts';
import { gaussian, mulberry32 } from '../../helpers/random.ts';
import { runLink } from './link.ts';

test('matched filter table: the quantised RRC against the float design, every fractional delay, error < −70 dB', (t) => {
  const { coeffs } = matchedFilterTable();
  const sps = 8000 / 600;
  const taps = 2 * MF_HALF + 1;
  let sum = 0;
  for (let k = 0; k < taps; k++) sum += rrcAt((k - MF_HALF) / sps, V22_ROLLOFF);
  let err = 0;
  let pow = 0;
  for (let p = 0; p < 32; p++) {
    for (let k = 0; k < taps; k++) {
      const f = (rrcAt((taps - 1 - k - MF_HALF - p / 32) / sps, V22_ROLLOFF) / sum) * 32768;
      err += (coeffs[p * taps + k] - f) ** 2;
      pow += f * f;
    }
  }
  t.true(10 * Math.log10(err / pow) < -70);
});

test('matched filter moved to the carrier: filtering passband samples then mixing equals mixing then filtering (float), < −65 dB', (t) => {
  const taps = 2 * MF_HALF + 1;
  const sps = 8000 / 600;
  const { coeffs } = matchedFilterTable();
  let sum = 0;
  for (let k = 0; k < taps; k++) sum += rrcAt((k - MF_HALF) / sps, V22_ROLLOFF);
  const r = mulberry32(5);
  let err = 0;
  let pow = 0;
  for (const hz of [1200, 2400]) {
    const { re, im } = bandpassMatchedFilter(coeffs, hz);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(r() * 1000) + taps; // index of the newest sample
      const p = Math.floor(r() * 32);
      const x = Array.from({ length: taps }, () => Math.round((r() - 0.5) * 20000)); // x[k]: sample n − (taps − 1 − k)
      let ar = 0;
      let ai = 0;
      let fr = 0;
      let fi = 0;
      for (let k = 0; k < taps; k++) {
        ar += x[k] * re[p * taps + k];
        ai += x[k] * im[p * taps + k];
        const m = n - (taps - 1 - k);
        const w = (2 * Math.PI * hz * m) / 8000;
        const c = (rrcAt((taps - 1 - k - MF_HALF - p / 32) / sps, V22_ROLLOFF) / sum) * 32768;
        fr += x[k] * Math.cos(w) * c;
        fi -= x[k] * Math.sin(w) * c;
      }
      const w = (2 * Math.PI * hz * n) / 8000;
      const yr = ar * Math.cos(w) + ai * Math.sin(w);
      const yi = ai * Math.cos(w) - ar * Math.sin(w);
      err += (yr - fr) ** 2 + (yi - fi) ** 2;
      pow += fr * fr + fi * fi;
    }
  }
  const db = 10 * Math.log10(err / pow);
  t.log(`bandpass matched filter error ${db.toFixed(1)} dB`);
  t.true(db < -65, `${db.toFixed(1)} dB`);
});

test('transmit pulse ∗ matched filter is a raised cosine: intersymbol interference below −45 dB at the symbol instants', (t) => {
  // Continuous-time check of the truncated pulses (±3T sent, ±MF_HALF samples received): Nyquist's criterion.
  const rxSpan = MF_HALF / (8000 / 600);
  const conv = (tau: number): number => {
    let s = 0;
    const d = 1 / 400;
    for (let u = -3; u <= 3; u += d) s += rrcAt(u, V22_ROLLOFF) * (Math.abs(tau - u) <= rxSpan ? rrcAt(tau - u, V22_ROLLOFF) : 0) * d;
    return s;
  };
  const g0 = conv(0);
  let isi = 0;
  for (let k = 1; k <= 5; k++) isi += conv(k) ** 2 + conv(-k) ** 2;
  const db = 10 * Math.log10(isi / (g0 * g0));
  t.log(`ISI ${db.toFixed(1)} dB`);
  t.true(db < -45);
});

test('equaliser: the fixed-point LMS against a float LMS on the same input, outputs within −45 dB', (t) => {
  const eq = new FseEqualizer(16, 9);
  const fRe = new Float64Array(16);
  const fIm = new Float64Array(16);
  fRe[9] = 1;
  const xr: number[] = new Array(16).fill(0);
  const xi: number[] = new Array(16).fill(0);
  const r = mulberry32(4);
  const g = gaussian(8);
  let err = 0;
  let pow = 0;
  // A channel with a post-cursor echo: x = a + 0.3·a(−½T)·j, two samples per symbol, noise, data ±1/±3.
  let prevR = 0;
  let prevI = 0;
  for (let n = 0; n < 4000; n++) {
    const ar = [-3, -1, 1, 3][Math.floor(r() * 4)];
    const ai = [-3, -1, 1, 3][Math.floor(r() * 4)];
    for (const [sr, si] of [
      [(ar + prevR) / 2 - 0.3 * ai, (ai + prevI) / 2 + 0.3 * ar],
      [ar - 0.3 * ai, ai + 0.3 * ar],
    ]) {
      const vr = Math.round((sr + 0.05 * g()) * UNIT);
      const vi = Math.round((si + 0.05 * g()) * UNIT);
      eq.push(vr, vi);
      xr.shift();
      xi.shift();
      xr.push(vr);
      xi.push(vi);
    }
    prevR = ar;
    prevI = ai;
    eq.filter();
    let yr = 0;
    let yi = 0;
    for (let k = 0; k < 16; k++) {
      yr += fRe[k] * xr[k] - fIm[k] * xi[k];
      yi += fRe[k] * xi[k] + fIm[k] * xr[k];
    }
    if (n > 100) {
      err += (eq.yRe - yr) ** 2 + (eq.yIm - yi) ** 2;
      pow += yr * yr + yi * yi;
    }
    // Both adapt on the float reference's own error, so the comparison is of the arithmetic, not the decisions.
    const er = Math.round(ar * UNIT - yr);
    const ei = Math.round(ai * UNIT - yi);
    eq.update(er, ei, 1);
    const mu = 2 ** -9 / (UNIT * UNIT);
    for (let k = 0; k < 16; k++) {
      fRe[k] += mu * (er * xr[k] + ei * xi[k]);
      fIm[k] += mu * (ei * xr[k] - er * xi[k]);
    }
  }
  const db = 10 * Math.log10(err / pow);
  t.log(`equaliser fixed-point error ${db.toFixed(1)} dB`);
  t.true(db < -45, `${db.toFixed(1)} dB`);
});

function feed(level: number, seconds: number, demod: V22Demodulator, seed = 1): void {
  const mod = new V22Modulator({ carrierHz: 2400, levelDbm0: level });
  const enc = new V22bisEncoder();
  const r = mulberry32(seed);
  const buf = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < seconds * 50; f++) {
    mod.process(buf, FRAME_SAMPLES, { nextSymbol: () => enc.encode(Math.floor(r() * 4), V22_Q34) });
    demod.process(buf, FRAME_SAMPLES);
  }
}

test('carrier detect with hysteresis (V.22 §2.7): on above −43 dBm0, off below −48 dBm0, and held in between', (t) => {
  const d = new V22Demodulator({ carrierHz: 2400 });
  feed(-48.5, 0.5, d);
  t.false(d.carrier, 'a −48.5 dBm0 signal does not turn the detector on');
  feed(-43, 0.5, d);
  t.true(d.carrier, '−43 dBm0 does');
  t.true(Math.abs(d.levelDbm0 + 43) < 1.5, `level ${d.levelDbm0.toFixed(1)}`);
  feed(-46.5, 0.5, d);
  t.true(d.carrier, 'and −46.5 dBm0 keeps it on');
  feed(-49, 0.5, d);
  t.false(d.carrier, '−49 dBm0 turns it off');
});

test('V.22 back to back: no errors at 30 dB; the received level is reported', (t) => {
  const r = runLink({ rate: 1200, snrDb: 30, bits: 20000 });
  t.is(r.errors, 0);
  t.true(r.bits > 19000);
  t.true(Math.abs(r.levelDbm0 + 10) < 1.5);
});

test('AGC range (issue 4: −9 to −43 dBm0): V.22bis error-free at both ends of the range', (t) => {
  for (const level of [-9, -43]) {
    const r = runLink({ rate: 2400, snrDb: 25, bits: 20000, levelDbm0: level });
    t.is(r.errors, 0, `${level} dBm0`);
    t.true(r.bits > 19000, `${level} dBm0: ${r.bits} bits`);
  }
});

test('V.22bis over a band-limited line with 20 dB of loss: the equaliser copes', (t) => {
  const r = runLink({ rate: 2400, snrDb: 25, bits: 40000, stages: [new BandLimit()], lossDb: 20 });
  t.is(r.errors, 0);
  t.true(r.bits > 39000);
});

test('low channel (1200 Hz, the caller transmitting) works the same', (t) => {
  const r = runLink({ rate: 2400, snrDb: 20, offsetHz: -7, bits: 20000, carrierHz: 1200 });
  t.is(r.errors, 0);
  t.true(Math.abs(r.offsetEstimateHz + 7) < 0.5);
});
