import test from 'ava';
import { HardClip, NoiseSuppressor, PHONE_BLOCK, PhoneAgc, PhoneProcessing } from '../../../dsp/channel/phone-processing.ts';
import { dbm0ToPeak, FULL_SCALE_DBM0 } from '../../../dsp/q15.ts';
import { db, meanSquare, tone } from './helpers.ts';

/** Level in dBm0 of x[from..to) for a sine-like signal. */
function levelDbm0(x: ArrayLike<number>, from: number, to: number): number {
  return FULL_SCALE_DBM0 + db(meanSquare(x, from, to) / (32767 ** 2 / 2));
}

function run(stage: { process(b: Int16Array, n: number): void }, x: Int16Array): Int16Array {
  const y = Int16Array.from(x);
  for (let at = 0; at < y.length; at += 160) stage.process(y.subarray(at, at + 160), Math.min(160, y.length - at));
  return y;
}

// 1020 Hz, not 1000: at 8 kHz a 1000 Hz sine hits only eight phases, and its mean |x| is 0.46 dB below a sine's 2/π.
test('AGC: a loud tone is turned down to the target at the slew rate, a quiet one raised by at most the range', (t) => {
  const loud = run(new PhoneAgc(), tone(1020, -4, 8000 * 12));
  // 2 dB/s from −4 toward −16 dBm0: −8 after 2 s, the target (±1 dB window) after 6 s.
  t.true(Math.abs(levelDbm0(loud, 15200, 16800) - -8) < 0.7, `at 2 s: ${levelDbm0(loud, 15200, 16800)}`);
  t.true(Math.abs(levelDbm0(loud, 80000, 96000) - -16) < 1.2, `after 10 s: ${levelDbm0(loud, 80000, 96000)}`);
  const quiet = run(new PhoneAgc(), tone(1020, -40, 8000 * 12));
  t.true(Math.abs(levelDbm0(quiet, 80000, 96000) - -28) < 0.3, `quiet after 10 s: ${levelDbm0(quiet, 80000, 96000)}`);
  const silence = run(new PhoneAgc(), tone(1000, -60, 8000 * 5));
  t.true(Math.abs(levelDbm0(silence, 32000, 40000) - -60) < 0.5, 'no gain below −50 dBm0');
});

test('AGC: the gain steps per block by the slew rate, as a float model of the same rule', (t) => {
  const agc = new PhoneAgc({ slewDbPerSecond: 4 });
  const x = tone(700, 0, 8000 * 3);
  let gainDb = 0;
  const step = (4 * PHONE_BLOCK) / 8000;
  for (let at = 0; at < x.length; at += PHONE_BLOCK) {
    agc.process(x.subarray(at, at + PHONE_BLOCK).slice(), PHONE_BLOCK);
    const level = -0 + gainDb;
    if (level > -15) gainDb = Math.max(-12, gainDb - step);
    t.true(Math.abs(20 * Math.log10(agc.gain / 4096) - gainDb) < 0.05, `block ${at / PHONE_BLOCK}`);
  }
});

test('hard clip: samples beyond full scale (or the set level) are cut, those inside pass', (t) => {
  const x = run(new HardClip(), Int16Array.from([0, 1000, -1000, 20000, -20000, 32767, -32768]));
  t.deepEqual([...x], [0, 1000, -1000, 20000, -20000, 32767, -32767]);
  const level = Math.round(dbm0ToPeak(-6));
  const y = run(new HardClip(-6), Int16Array.from([0, 1000, level + 100, -level - 100]));
  t.deepEqual([...y], [0, 1000, level, -level]);
  // Gain into saturation: the AGC's own output clips at full scale.
  const agc = new PhoneAgc({ targetDbm0: -1, rangeDb: 12 });
  agc.gain = 4 * 4096;
  const z = Int16Array.from([20000, -20000]);
  agc.process(z, 2);
  t.deepEqual([...z], [32767, -32768]);
});

/** The suppressor's rule in floating point, block by block: floor, gain 1 − N/P with a floor, smoothing by 1/4. */
function floatSuppressorGains(x: Int16Array, maxAttDb: number, riseDb: number): number[] {
  const rise = 10 ** ((riseDb * PHONE_BLOCK) / 8000 / 10);
  const floorMin = ((dbm0ToPeak(-70) / Math.SQRT2) ** 2 * PHONE_BLOCK) / 4;
  const gmin = 10 ** (-maxAttDb / 20);
  let floor = floorMin;
  let g = 1;
  const gains: number[] = [];
  for (let at = 0; at + PHONE_BLOCK <= x.length; at += PHONE_BLOCK) {
    let p = 0;
    for (let i = at; i < at + PHONE_BLOCK; i++) p += (x[i] * x[i]) / 4;
    floor = Math.max(floorMin, p < floor ? p : floor * rise);
    g += (Math.max(p > floor ? 1 - floor / p : 0, gmin) - g) / 4;
    gains.push(g);
  }
  return gains;
}

test('noise suppressor: a steady carrier is taken for noise and turned down by up to 12 dB within seconds', (t) => {
  const x = tone(1800, -10, 8000 * 20);
  const ns = new NoiseSuppressor();
  const gains: number[] = [];
  const y = Int16Array.from(x);
  for (let at = 0; at < y.length; at += PHONE_BLOCK) {
    ns.process(y.subarray(at, at + PHONE_BLOCK), PHONE_BLOCK);
    gains.push(ns.gain / 32767);
  }
  t.true(Math.abs(levelDbm0(y, 0, 8000) - -10) < 0.5, `first second passes: ${levelDbm0(y, 0, 8000)}`);
  t.true(Math.abs(levelDbm0(y, 8000 * 18, 8000 * 20) - -22) < 1, `after 18 s: ${levelDbm0(y, 8000 * 18, 8000 * 20)}`);
  // The floating-point rule gives the same gain trajectory.
  const ref = floatSuppressorGains(x, 12, 6);
  let worst = 0;
  for (let k = 0; k < ref.length; k++) worst = Math.max(worst, Math.abs(gains[k] - ref[k]));
  t.true(worst < 0.01, `fixed vs float gain: worst ${worst}`);
});

test('noise suppressor: bursts over a quiet floor pass; NREC off leaves the carrier alone', (t) => {
  const x = tone(1000, -10, 8000 * 10);
  for (let i = 0; i < x.length; i++) if (Math.floor(i / 1600) % 2 === 1) x[i] = (i * 7919) % 9 - 4; // 200 ms on, 200 off
  const y = run(new NoiseSuppressor(), x);
  t.true(Math.abs(levelDbm0(y, 73600, 75200) - -10) < 1.5, `burst after 9 s: ${levelDbm0(y, 73600, 75200)}`);
  const steady = tone(1800, -10, 8000 * 20);
  const z = run(new PhoneProcessing({ nrecOff: true, agc: false }), steady);
  t.deepEqual(z.subarray(8000 * 19), steady.subarray(8000 * 19));
  const with_ = run(new PhoneProcessing({ agc: false }), steady);
  t.true(levelDbm0(with_, 8000 * 18, 8000 * 20) < -20);
});
