/**
 * Bell 202's soft carrier turn-off (dsp/fsk/soft-carrier.ts) against its definition — 900 Hz, phase-continuous,
 * for 8 ms at the carrier's level before the carrier stops (here followed by a 4 ms raised-cosine fall) — against
 * a float reference; the onset ramp likewise; the receive squelch's turn-off detector on the tone and on what it
 * must not take for it; and Bell 202 bursts between pumps through noise, counting stray characters at the receiver.
 */
import test from 'ava';
import { FskDataPump } from '../../../dsp/fsk/fsk-pump.ts';
import { FskModulator } from '../../../dsp/fsk/fsk-modulator.ts';
import { RAMP_SAMPLES, SCT_HZ, SCT_SAMPLES, SoftCarrier, SoftTurnOffDetector } from '../../../dsp/fsk/soft-carrier.ts';
import { BELL202, FSK_MODES } from '../../../dsp/fsk/specs.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../../dsp/q15.ts';
import { addNoise, gaussian, mulberry32, randomBytes } from '../../helpers/random.ts';

const MARK = { nextBit: () => 1 };

/** Float reference: mark for one frame from phase 0, then the turn-off tone continuing the phase, with its fall. */
function reference(amp: number): Float64Array {
  const out = new Float64Array(2 * FRAME_SAMPLES);
  let phase = 0;
  for (let n = 0; n < 2 * FRAME_SAMPLES; n++) {
    const k = n - FRAME_SAMPLES;
    let gain = 1;
    if (k >= SCT_SAMPLES + RAMP_SAMPLES) gain = 0;
    else if (k >= SCT_SAMPLES) gain = 0.5 - 0.5 * Math.cos((Math.PI * (RAMP_SAMPLES - 1 - (k - SCT_SAMPLES) + 0.5)) / RAMP_SAMPLES);
    out[n] = amp * gain * Math.sin(phase);
    phase += (2 * Math.PI * (n < FRAME_SAMPLES ? BELL202.markHz : SCT_HZ)) / SAMPLE_RATE;
  }
  return out;
}

function errorDb(got: Int16Array, want: Float64Array, from: number, to: number): number {
  let e = 0;
  let s = 0;
  for (let i = from; i < to; i++) {
    e += (got[i] - want[i]) ** 2;
    s += want[i] ** 2;
  }
  return 10 * Math.log10(e / s);
}

/** Power at `hz` over samples [from, to) relative to their total power (1 for a pure tone there). */
function toneFraction(x: Int16Array, hz: number, from: number, to: number): number {
  let c = 0;
  let s = 0;
  let p = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * hz * i) / SAMPLE_RATE;
    c += x[i] * Math.cos(w);
    s += x[i] * Math.sin(w);
    p += x[i] * x[i];
  }
  return (2 * (c * c + s * s)) / (to - from) / p;
}

test('turn-off: 900 Hz for 8 ms at the carrier level, phase-continuous from the mark, then a 4 ms fall and silence (float reference)', (t) => {
  const mod = new FskModulator(BELL202, -10);
  const soft = new SoftCarrier();
  const out = new Int16Array(2 * FRAME_SAMPLES);
  mod.process(out, FRAME_SAMPLES, MARK);
  soft.turnOff(out, mod, FRAME_SAMPLES);
  const want = reference(mod.amplitude);
  const sct = FRAME_SAMPLES;
  const e = errorDb(out, want, sct, sct + SCT_SAMPLES + RAMP_SAMPLES);
  t.log(`turn-off tone and fall against the float reference: ${e.toFixed(1)} dB`);
  t.true(e < -60, `${e.toFixed(1)} dB`);
  let best = 0;
  for (let hz = 500; hz <= 2500; hz += 25)
    if (toneFraction(out, hz, sct, sct + SCT_SAMPLES) > toneFraction(out, best || 500, sct, sct + SCT_SAMPLES)) best = hz;
  t.is(best, SCT_HZ, 'the 8 ms are 900 Hz');
  t.is(SCT_SAMPLES, 64, '8 ms at 8000 Hz');
  let peak = 0;
  for (let i = sct; i < sct + SCT_SAMPLES; i++) peak = Math.max(peak, Math.abs(out[i]));
  t.true(Math.abs(peak - mod.amplitude) <= 0.01 * mod.amplitude + 2, `level: peak ${peak}, carrier ${mod.amplitude}`);
  // No step where the mark ends and 900 Hz begins: the sample-to-sample change stays within the tones' own slope.
  const maxSlope = 2 * Math.sin((Math.PI * BELL202.markHz) / SAMPLE_RATE) * mod.amplitude + 2;
  t.true(Math.abs(out[sct] - out[sct - 1]) <= maxSlope, 'phase-continuous');
  t.true(
    out.subarray(sct + SCT_SAMPLES + RAMP_SAMPLES).every((v) => v === 0),
    'silence after the fall',
  );
});

test('onset: the first 4 ms of a burst rise on a raised cosine (float reference)', (t) => {
  const mod = new FskModulator(BELL202, -10);
  const out = new Int16Array(FRAME_SAMPLES);
  mod.process(out, FRAME_SAMPLES, MARK);
  const flat = out.slice();
  new SoftCarrier().onset(out);
  const want = new Float64Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) {
    const g = i < RAMP_SAMPLES ? 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / RAMP_SAMPLES) : 1;
    want[i] = mod.amplitude * g * Math.sin((2 * Math.PI * BELL202.markHz * i) / SAMPLE_RATE);
  }
  t.true(errorDb(out, want, 0, FRAME_SAMPLES) < -60);
  t.true(Math.abs(out[0]) < 0.01 * mod.amplitude, 'starts from silence');
  t.deepEqual(out.subarray(RAMP_SAMPLES), flat.subarray(RAMP_SAMPLES), 'unchanged after the ramp');
});

test('squelch detector: hears the turn-off tone, not mark, space, data, the answer tone or noise', (t) => {
  const det = new SoftTurnOffDetector(FSK_MODES.bell202.carrierOnDbm0);
  const mod = new FskModulator(BELL202, -10);
  const frame = new Int16Array(FRAME_SAMPLES);
  const soft = new SoftCarrier();
  for (const delay of [0, 7, 31, 50]) {
    // The turn-off tone wherever it falls in the frame (the line delays it).
    const two = new Int16Array(2 * FRAME_SAMPLES);
    mod.process(two, FRAME_SAMPLES, MARK);
    soft.turnOff(two, mod, FRAME_SAMPLES);
    const shifted = two.subarray(FRAME_SAMPLES - delay, 2 * FRAME_SAMPLES - delay);
    const at = det.process(shifted);
    t.true(at >= 0 && at <= delay + 32, `turn-off delayed ${delay}: heard at ${at}`);
  }
  const rnd = mulberry32(5);
  const bits = { nextBit: () => (rnd() < 0.5 ? 1 : 0) };
  for (let f = 0; f < 200; f++) {
    mod.process(frame, FRAME_SAMPLES, f < 50 ? MARK : f < 100 ? { nextBit: () => 0 } : bits);
    t.is(det.process(frame), -1, `FSK frame ${f}`);
  }
  const g = gaussian(9);
  const noise = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < 100; f++) {
    noise.fill(0);
    addNoise(noise, FRAME_SAMPLES, -40, g);
    t.is(det.process(noise), -1, 'noise');
  }
  const tone = new FskModulator({ name: 'ans', markHz: 2225, spaceHz: 2225, baud: 300 }, -10);
  tone.process(frame, FRAME_SAMPLES, MARK);
  t.is(det.process(frame), -1, '2225 Hz');
});

/**
 * A Bell 202 answerer pump sends `bursts` bursts to a caller pump through noise; every character the caller prints
 * is counted. The far end's bursts end with the soft turn-off (a Dialtone pump) or, with `abrupt`, are cut off
 * after their mark hold (a far modem without it): either way nothing but the payload may come out.
 */
function bursts(abrupt: boolean, snrDb: number, seed: number): { got: number[]; payload: Uint8Array; cuts: number } {
  const mode = FSK_MODES.bell202;
  const tx = new FskDataPump(mode, 'answerer');
  const rx = new FskDataPump(mode, 'caller');
  const payload = randomBytes(11 * 40, seed);
  const g = gaussian(seed);
  const a2c = new Int16Array(FRAME_SAMPLES);
  const c2a = new Int16Array(FRAME_SAMPLES);
  const got: number[] = [];
  let sent = 0;
  let quiet = 0;
  let cuts = 0;
  for (let f = 0; f < 3000; f++) {
    const heard = a2c.slice();
    if (abrupt && tx.state === 'connected' && isTurnOff(a2c)) {
      heard.fill(0); // cut where the turn-off would be
      cuts++;
    }
    addNoise(heard, FRAME_SAMPLES, -10 - snrDb, g);
    rx.process(heard, c2a);
    tx.process(c2a.slice(), a2c);
    got.push(...rx.rx.take());
    // A burst of 40 characters each time the line has been quiet for 200 ms.
    quiet = a2c.some((v) => v !== 0) ? 0 : quiet + 1;
    if (tx.state === 'connected' && rx.state === 'connected' && quiet >= 10 && sent < payload.length && !tx.tx.busy) {
      sent += tx.tx.queue.write(payload.subarray(sent, sent + 40));
    }
  }
  return { got, payload, cuts };
}

/** The burst's last frame (soft-carrier.ts turnOff): sound, then silence from SCT_SAMPLES + RAMP_SAMPLES on. */
function isTurnOff(frame: Int16Array): boolean {
  return frame.subarray(0, SCT_SAMPLES).some((v) => v !== 0) && frame.subarray(SCT_SAMPLES + RAMP_SAMPLES).every((v) => v === 0);
}

for (const abrupt of [false, true]) {
  test(`bursts ${abrupt ? 'cut off abruptly' : 'ending with the soft turn-off'}: the receiver prints the payload and nothing else`, (t) => {
    let strays = 0;
    for (const seed of [1, 2, 3]) {
      const { got, payload, cuts } = bursts(abrupt, 25, seed);
      if (abrupt) t.is(cuts, 11, 'every burst cut off');
      strays += got.length - payload.length;
      t.deepEqual(Uint8Array.from(got), payload, `seed ${seed}: ${got.length} characters for ${payload.length}`);
    }
    t.log(`${strays} stray characters in 33 bursts at 25 dB`);
  });
}

test('squelch: from the far turn-off tone until its carrier is gone, nothing becomes a character (FSK after the tone is dropped)', (t) => {
  const rx = new FskDataPump(FSK_MODES.bell202, 'caller');
  const far = new FskModulator(BELL202, -10);
  const soft = new SoftCarrier();
  const frame = new Int16Array(FRAME_SAMPLES);
  const quiet = new Int16Array(FRAME_SAMPLES);
  const rnd = mulberry32(11);
  const chars = randomBytes(30, 12);
  let i = 0;
  let bit = 0;
  let shreg = 0;
  // 8N1 characters, LSB first; mark when there are none left.
  const data = {
    nextBit: () => {
      if (bit === 0) {
        if (i >= chars.length) return 1;
        shreg = (chars[i++] << 1) | 0x200;
        bit = 10;
      }
      bit--;
      const b = shreg & 1;
      shreg >>= 1;
      return b;
    },
  };
  const noise = { nextBit: () => (rnd() < 0.5 ? 1 : 0) };
  const none = new Int16Array(FRAME_SAMPLES);
  // Caller pump: hear an answer tone (Bell 2225 Hz) first, so that it connects; then the far burst.
  const ans = new FskModulator({ name: 'ans', markHz: 2225, spaceHz: 2225, baud: 300 }, -10);
  for (let f = 0; f < 50; f++) {
    ans.process(frame, FRAME_SAMPLES, MARK);
    rx.process(frame, none);
  }
  for (let f = 0; f < 10; f++) rx.process(quiet, none);
  t.is(rx.state, 'connected');
  const got: number[] = [];
  for (let f = 0; f < 4; f++) {
    far.process(frame, FRAME_SAMPLES, MARK);
    rx.process(frame, none);
  }
  for (let f = 0; f < 30 && i < chars.length; f++) {
    far.process(frame, FRAME_SAMPLES, data);
    rx.process(frame, none);
  }
  for (let f = 0; f < 4; f++) {
    far.process(frame, FRAME_SAMPLES, MARK);
    rx.process(frame, none);
  }
  // The turn-off tone, then (as a far transmitter that goes on ringing would) random FSK at full level for 60 ms.
  soft.turnOff(frame, far);
  far.process(frame, FRAME_SAMPLES - SCT_SAMPLES - RAMP_SAMPLES, noise, SCT_SAMPLES + RAMP_SAMPLES);
  rx.process(frame, none);
  for (let f = 0; f < 3; f++) {
    far.process(frame, FRAME_SAMPLES, noise);
    rx.process(frame, none);
  }
  for (let f = 0; f < 10; f++) rx.process(quiet, none);
  got.push(...rx.rx.take());
  t.deepEqual(Uint8Array.from(got), chars, `${got.length} characters for ${chars.length}`);
});
