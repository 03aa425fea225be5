import test from 'ava';
import { Goertzel } from '../../../dsp/filters/goertzel.ts';
import { meanSquareToDbm0 } from '../../../dsp/q15.ts';
import { PHASE_STEP, POINT_IM, POINT_RE, SILENT, V22bisEncoder, V22_Q34 } from '../../../dsp/qam/v22-constellation.ts';
import { modulatorTable, TX_SPAN_SYMBOLS, V22Modulator } from '../../../dsp/qam/v22-modulator.ts';
import { mulberry32 } from '../../helpers/random.ts';

const angle = (i: number): number => Math.atan2(POINT_IM[i], POINT_RE[i]);
const deg = (r: number): number => ((Math.round((r * 180) / Math.PI) % 360) + 360) % 360;

test('V.22 Table 1: dibit 00 → +90°, 01 → 0°, 11 → +270°, 10 → +180°', (t) => {
  const expect: Record<string, number> = { '00': 90, '01': 0, '11': 270, '10': 180 };
  for (const [dibit, change] of Object.entries(expect)) {
    const enc = new V22bisEncoder();
    const a = enc.encode(1, V22_Q34); // any first symbol
    const b = enc.encode(parseInt(dibit, 2), V22_Q34);
    t.is(deg(angle(b) - angle(a)), change, dibit);
  }
  t.deepEqual([...PHASE_STEP], [1, 0, 2, 3]);
});

test('V.22bis Figure 2: 16 points on ±1, ±3; Q3Q4 numbered alike in every quadrant (a 90° rotation of the first)', (t) => {
  const q0 = [0, 1, 2, 3].map((k) => [POINT_RE[k], POINT_IM[k]]);
  t.deepEqual(q0, [
    [1, 1],
    [3, 1],
    [1, 3],
    [3, 3],
  ]);
  for (let q = 1; q < 4; q++) {
    for (let k = 0; k < 4; k++) {
      // Rotating by +90°: (a, b) → (−b, a).
      const [pr, pi] = [POINT_RE[(q - 1) * 4 + k], POINT_IM[(q - 1) * 4 + k]];
      t.deepEqual([POINT_RE[q * 4 + k], POINT_IM[q * 4 + k]], [-pi, pr], `quadrant ${q} point ${k}`);
    }
  }
  let power = 0;
  for (let k = 0; k < 16; k++) power += POINT_RE[k] ** 2 + POINT_IM[k] ** 2;
  t.is(power / 16, 10, 'mean power 10 units²: the same as the 1200 bit/s points (3, 1), so the level does not change');
});

function run(mod: V22Modulator, symbols: () => number, samples: number): Int16Array {
  const out = new Int16Array(samples);
  mod.process(out, samples, { nextSymbol: symbols });
  return out;
}

function toneDbm0(x: Int16Array, hz: number, from: number, n = 800): number {
  return meanSquareToDbm0(new Goertzel(hz, n).process(x, from));
}

for (const carrier of [1200, 2400]) {
  test(`a repeated dibit is a tone: 01 at the carrier, 00 at +150 Hz, 11 at −150 Hz, 10 at ±300 Hz (${carrier} Hz)`, (t) => {
    // A phase change of φ every symbol (600 baud) moves the signal by φ/360°·600 Hz: this pins the sense of Table 1.
    const cases: [number, number][] = [
      [1, carrier],
      [0, carrier + 150],
      [3, carrier - 150],
    ];
    for (const [dibit, hz] of cases) {
      const enc = new V22bisEncoder();
      const x = run(new V22Modulator({ carrierHz: carrier, levelDbm0: -10 }), () => enc.encode(dibit, V22_Q34), 8000);
      const at = toneDbm0(x, hz, 4000, 4000);
      t.true(at > -10.6, `dibit ${dibit}: ${at.toFixed(2)} dBm0 at ${hz} Hz`);
    }
    const enc = new V22bisEncoder();
    const x = run(new V22Modulator({ carrierHz: carrier, levelDbm0: -10 }), () => enc.encode(2, V22_Q34), 8000);
    t.true(toneDbm0(x, carrier + 300, 4000, 4000) > -14 && toneDbm0(x, carrier - 300, 4000, 4000) > -14);
  });
}

test('level: random 1200 and 2400 bit/s symbols at −10 dBm0 measure −10 ± 0.3 dBm0', (t) => {
  for (const wide of [false, true]) {
    const r = mulberry32(5);
    const enc = new V22bisEncoder();
    const x = run(new V22Modulator({ carrierHz: 1200, levelDbm0: -10 }), () => enc.encode(Math.floor(r() * 4), wide ? Math.floor(r() * 4) : V22_Q34), 80000);
    let ms = 0;
    for (let i = 1000; i < x.length; i++) ms += x[i] * x[i];
    const level = meanSquareToDbm0(ms / (x.length - 1000));
    t.true(Math.abs(level + 10) < 0.3, `${wide ? 16 : 4} points: ${level.toFixed(2)} dBm0`);
  }
});

test('V.22 §2.2 guard tones: 1800 Hz 6 dB and 550 Hz 3 dB below the data, total level unchanged', (t) => {
  for (const [guard, below] of [
    [1800, 6],
    [550, 3],
  ] as const) {
    const r = mulberry32(9);
    const enc = new V22bisEncoder();
    const x = run(new V22Modulator({ carrierHz: 2400, levelDbm0: -10, guardTone: guard }), () => enc.encode(Math.floor(r() * 4), V22_Q34), 80000);
    let ms = 0;
    for (let i = 1000; i < x.length; i++) ms += x[i] * x[i];
    const total = meanSquareToDbm0(ms / (x.length - 1000));
    const tone = toneDbm0(x, guard, 8000, 8000);
    const data = 10 * Math.log10(10 ** (total / 10) - 10 ** (tone / 10));
    t.true(Math.abs(total + 10) < 0.3, `total ${total.toFixed(2)}`);
    t.true(Math.abs(data - tone - below) < 0.5, `${guard} Hz: data ${data.toFixed(2)}, tone ${tone.toFixed(2)}`);
  }
});

test('silence: SILENT symbols send nothing once the pulse tail is out', (t) => {
  const x = run(new V22Modulator({ carrierHz: 2400, levelDbm0: -10, guardTone: 1800 }), () => SILENT, 800);
  t.true(x.every((v) => v === 0));
});

for (const carrierHz of [1200, 2400]) {
  test(`fixed point against a float reference of the same modulator: error below −60 dB of the signal (${carrierHz} Hz)`, (t) => {
    const level = -10;
    const { design, scale } = modulatorTable(level);
    const r = mulberry32(21);
    const syms: number[] = [];
    const enc = new V22bisEncoder();
    const n = 16000;
    const x = run(
      new V22Modulator({ carrierHz, levelDbm0: level }),
      () => {
        const s = enc.encode(Math.floor(r() * 4), Math.floor(r() * 4));
        syms.push(s);
        return s;
      },
      n,
    );
    // Reference: the same symbol schedule (a symbol every 40 steps of 1/24000 s, a sample every 3), in floats.
    let phaseSteps = 0;
    let count = 0;
    let errPow = 0;
    let sigPow = 0;
    for (let i = 0; i < n; i++) {
      phaseSteps += 3;
      if (phaseSteps >= 40) {
        phaseSteps -= 40;
        count++;
      }
      let xr = 0;
      let xi = 0;
      for (let j = 0; j < TX_SPAN_SYMBOLS && count - 1 - j >= 0; j++) {
        const s = syms[count - 1 - j];
        const h = design[phaseSteps + 40 * j] * scale;
        xr += POINT_RE[s] * h;
        xi += POINT_IM[s] * h;
      }
      const th = (2 * Math.PI * carrierHz * i) / 8000;
      const y = xr * Math.cos(th) - xi * Math.sin(th);
      errPow += (x[i] - y) ** 2;
      sigPow += y * y;
    }
    const db = 10 * Math.log10(errPow / sigPow);
    t.log(`modulator fixed-point error ${db.toFixed(1)} dB`);
    t.true(db < -60, `${db.toFixed(1)} dB`);
  });
}
