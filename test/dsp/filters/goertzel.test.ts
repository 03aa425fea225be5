import test from 'ava';
import { Goertzel, MeanSquare, phaseOf } from '../../../dsp/filters/goertzel.ts';
import { dbm0ToPeak, meanSquareToDbm0 } from '../../../dsp/q15.ts';
import { makeRng } from '../tones/signals.ts';

/** Float reference: the DFT bin at f, as the mean-square power of that component (2|X|²/N²). */
function floatBinPower(x: ArrayLike<number>, f: number, offset: number, n: number): { power: number; phase: number } {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const w = (2 * Math.PI * f * i) / 8000;
    re += x[offset + i] * Math.cos(w);
    im -= x[offset + i] * Math.sin(w);
  }
  // Phase at the block's last sample, as the fixed-point block reports it.
  const w = (2 * Math.PI * f * (n - 1)) / 8000;
  const phase = Math.atan2(re * Math.sin(w) + im * Math.cos(w), re * Math.cos(w) - im * Math.sin(w));
  return { power: (2 * (re * re + im * im)) / (n * n), phase };
}

function tone(n: number, f: number, dbm0: number, phase = 0): Int16Array {
  const a = dbm0ToPeak(dbm0);
  return Int16Array.from({ length: n }, (_, i) => Math.round(a * Math.cos((2 * Math.PI * f * i) / 8000 + phase)));
}

test('tones from −50 to +3 dBm0 are measured at their level (within 0.05 dB of the float DFT)', (t) => {
  for (const [f, n] of [
    [697, 205],
    [1633, 205],
    [2100, 80],
    [350, 160],
    [425, 400],
  ]) {
    const g = new Goertzel(f, n);
    t.is(g.inShift, 0);
    for (const level of [-50, -40, -25, -10, 0, 3]) {
      const x = tone(n, f, level, 0.3);
      const p = g.process(x);
      const ref = floatBinPower(x, f, 0, n);
      const errDb = 10 * Math.log10(p / ref.power);
      t.true(Math.abs(errDb) < (level < -45 ? 0.1 : 0.02), `${f} Hz ${level} dBm0: ${errDb.toFixed(4)} dB`);
      t.true(Math.abs(meanSquareToDbm0(p) - level) < 0.15, `${f} Hz ${level} dBm0 reads ${meanSquareToDbm0(p)}`);
    }
  }
});

test('phase at the block end matches the float reference (≤ 0.1°)', (t) => {
  const g = new Goertzel(1209, 160);
  for (const ph of [0, 0.7, 2, -2.5, 3.1]) {
    const x = tone(160, 1209, -20, ph);
    g.process(x);
    const ref = floatBinPower(x, 1209, 0, 160).phase;
    const got = (phaseOf(g.re, g.im) / 65536) * 2 * Math.PI;
    let d = got - ref;
    d = Math.atan2(Math.sin(d), Math.cos(d));
    t.true(Math.abs(d) < (0.1 * Math.PI) / 180, `phase ${ph}: ${d}`);
  }
});

test('CORDIC phase agrees with atan2 over the plane', (t) => {
  const rng = makeRng(11);
  let worst = 0;
  for (let k = 0; k < 2000; k++) {
    const mag = 2 ** (4 + 24 * rng());
    const a = 2 * Math.PI * rng();
    const re = Math.round(mag * Math.cos(a));
    const im = Math.round(mag * Math.sin(a));
    const d = phaseOf(re, im) / 65536 - Math.atan2(im, re) / (2 * Math.PI);
    worst = Math.max(worst, Math.abs(d - Math.round(d)));
  }
  t.log(`worst CORDIC error ${(worst * 360).toFixed(4)}°`);
  t.true(worst * 360 < 0.03);
});

test('full-scale worst-case input cannot overflow the states (input shift chosen at construction)', (t) => {
  const rng = makeRng(5);
  for (const [f, n] of [
    [100, 4000],
    [1000, 205],
    [3900, 2000],
  ]) {
    const g = new Goertzel(f, n);
    // Worst case for the bin: full-scale samples with the sign of the bin's cosine, plus random full-scale.
    const x = Int16Array.from({ length: n }, (_, i) => (Math.cos((2 * Math.PI * f * i) / 8000) >= 0 ? 32767 : -32768));
    const y = Int16Array.from({ length: n }, () => (rng() < 0.5 ? 32767 : -32768));
    for (const sig of [x, y]) {
      const p = g.process(sig);
      const ref = floatBinPower(sig, f, 0, n).power;
      const errDb = 10 * Math.log10(Math.min(p, 2 ** 31) / Math.min(ref, 46340 * 46340));
      t.true(Math.abs(errDb) < 0.1, `${f} Hz N=${n} shift ${g.inShift}: ${errDb}`);
    }
  }
});

test('MeanSquare matches the float mean square (≤ 0.1 dB at −50 dBm0, 0.01 dB from −30 up)', (t) => {
  const ms = new MeanSquare(160);
  for (const level of [-50, -30, 0, 3]) {
    const x = tone(160, 1000, level);
    let ref = 0;
    for (const v of x) ref += v * v;
    ref /= 160;
    const err = 10 * Math.log10(ms.process(x) / ref);
    t.true(Math.abs(err) < (level < -40 ? 0.1 : 0.01), `${level}: ${err}`);
  }
  const full = new Int16Array(160).fill(-32768);
  t.true(Math.abs(ms.process(full) / 2 ** 30 - 1) < 1e-4); // no overflow at the worst case
});
