import test from 'ava';
import { Agc, log2Q8 } from '../../../dsp/filters/agc.ts';
import { dbm0ToPeak } from '../../../dsp/q15.ts';
import { levelDbm0 } from '../tones/signals.ts';

/** Float reference: the same loop in dB, without quantisation (blocks of 160, gain held below −55 dBm0). */
class FloatAgc {
  gainDb = 0;
  constructor(
    private readonly target: number,
    private readonly attack: number,
    private readonly decay: number,
  ) {}

  block(x: Int16Array, from: number): void {
    const level = levelDbm0(x.subarray(from, from + 160));
    if (level < -55) return;
    const err = this.target - (level + this.gainDb);
    this.gainDb += err * (err < 0 ? this.attack : this.decay);
    this.gainDb = Math.max(-12, Math.min(36, this.gainDb));
  }
}

function tone(n: number, f: number, dbm0: number, start = 0): Int16Array {
  const a = dbm0ToPeak(dbm0);
  return Int16Array.from({ length: n }, (_, i) => Math.round(a * Math.sin((2 * Math.PI * f * (i + start)) / 8000)));
}

test('log2Q8 matches Math.log2 within 0.03', (t) => {
  for (const v of [1, 2, 3, 100, 12345, 1 << 20, 2 ** 31 - 1]) t.true(Math.abs(log2Q8(v) / 256 - Math.log2(v)) < 0.03, String(v));
});

test('inputs from −48 to −9 dBm0 settle within 0.3 dB of the −13 dBm0 target', (t) => {
  for (const input of [-48, -40, -30, -20, -13, -9]) {
    const agc = new Agc(-13);
    const x = tone(8000 * 3, 1800, input);
    const y = new Int16Array(x.length);
    for (let i = 0; i < x.length; i += 160) agc.process(x.subarray(i, i + 160), y.subarray(i, i + 160), 160);
    const out = levelDbm0(y.subarray(y.length - 1600));
    t.log(`${input} dBm0 in → ${out.toFixed(2)} dBm0 out, gain ${agc.gainDb.toFixed(2)} dB`);
    t.true(Math.abs(out + 13) < 0.3, `${input}`);
  }
});

test('gain trajectory follows the float reference (≤ 0.5 dB) across level steps; attack faster than decay', (t) => {
  const agc = new Agc(-13, { attackMs: 20, decayMs: 200 });
  const ref = new FloatAgc(-13, 1 - Math.exp(-1), 1 - Math.exp(-0.1));
  const levels = [-30, -10, -45, -20];
  let worst = 0;
  const settle: number[] = [];
  const y = new Int16Array(160);
  for (const level of levels) {
    const x = tone(8000 * 2, 1000, level);
    let reached = -1;
    for (let i = 0; i < x.length; i += 160) {
      const frame = x.subarray(i, i + 160);
      agc.process(frame, y, 160);
      ref.block(x, i);
      worst = Math.max(worst, Math.abs(agc.gainDb - ref.gainDb));
      if (reached < 0 && Math.abs(level + agc.gainDb + 13) < 1) reached = (i + 160) / 8;
    }
    settle.push(reached);
  }
  t.log(`worst gain difference ${worst.toFixed(3)} dB; settle times (ms) ${settle.join(', ')}`);
  t.true(worst < 0.5);
  t.true(settle[1] < settle[2]); // −30 → −10 (attack) settles before −10 → −45 (decay)
  t.true(settle[1] <= 100);
});

test('gain is held in silence and the output saturates rather than wraps', (t) => {
  const agc = new Agc(-13, { initialGainDb: 20 });
  const silence = new Int16Array(160);
  for (let i = 0; i < 50; i++) agc.process(silence, silence, 160);
  t.true(Math.abs(agc.gainDb - 20) < 0.05);
  const loud = tone(160, 1000, 3);
  const out = new Int16Array(160);
  agc.process(loud, out, 160);
  for (let i = 0; i < 160; i++) t.true(Math.sign(out[i]) === Math.sign(loud[i]) || loud[i] === 0);
});

test('scale() takes one sample as process() does: the same outputs and gains over changing levels', (t) => {
  const opts = { blockSize: 32, attackMs: 12, decayMs: 24 };
  const a = new Agc(-13, opts);
  const b = new Agc(-13, opts);
  const x = new Int16Array(4000);
  for (let i = 0; i < x.length; i++) x[i] = Math.round(dbm0ToPeak(i < 2000 ? -30 : -8) * Math.sin(i * 0.7));
  const y = new Int16Array(x.length);
  a.process(x, y, x.length);
  for (let i = 0; i < x.length; i++) if (b.scale(x[i]) !== y[i]) return t.fail(`sample ${i}`);
  t.is(b.gainLog, a.gainLog);
});
