import test from 'ava';
import { alawToLinear, G711RoundTrip, linearToAlaw, linearToUlaw, ulawToLinear } from '../../../dsp/channel/g711.ts';
import { fitSine, db, tone } from './helpers.ts';

/**
 * Float reference of G.711's quantisers, from the structure of Tables 1a and 2a: segment end points, steps,
 * and reconstruction at the middle of each interval. Returns [lower decision value, reconstruction] per code 0..127.
 */
function ulawReference(): [number, number][] {
  const ends = [0, 31, 95, 223, 479, 991, 2015, 4063, 8159]; // Table 2a, 14-bit scale
  const out: [number, number][] = [];
  for (let s = 0; s < 8; s++) {
    for (let q = 0; q < 16; q++) {
      if (s === 0) out.push([q === 0 ? 0 : 2 * q - 1, 2 * q]);
      else {
        const step = 2 ** (s + 1);
        out.push([ends[s] + q * step, ends[s] + q * step + step / 2]);
      }
    }
  }
  return out;
}

function alawReference(): [number, number][] {
  const out: [number, number][] = []; // Table 1a, 12-bit magnitude scale (4096 = overload)
  for (let s = 0; s < 8; s++) {
    const step = s === 0 ? 2 : 2 ** s;
    const start = s === 0 ? 0 : 16 * step;
    for (let q = 0; q < 16; q++) out.push([start + q * step, start + q * step + step / 2]);
  }
  return out;
}

function codeFor(table: [number, number][], magnitude: number): number {
  let code = 0;
  while (code < 127 && magnitude >= table[code + 1][0]) code++;
  return code;
}

test('μ-law: values stated in G.711 (idle 0xFF, extremes 0x80/0x00, segment starts)', (t) => {
  t.is(ulawToLinear(0xff), 0);
  t.is(ulawToLinear(0x7f), 0);
  t.is(linearToUlaw(0), 0xff);
  t.is(ulawToLinear(0x80), 8031 * 4);
  t.is(ulawToLinear(0x00), -8031 * 4);
  // First reconstruction value of segments 1..7 (Table 2a): 33, 99, 231, 495, 1023, 2079, 4191.
  [33, 99, 231, 495, 1023, 2079, 4191].forEach((v, i) => t.is(ulawToLinear(0xff ^ ((i + 1) << 4)), 4 * v));
  // Decision values: 4063 starts segment 7, 4062 is the last of segment 6.
  t.is(linearToUlaw(4 * 4063), 0xff ^ 0x70);
  t.is(linearToUlaw(4 * 4062), 0xff ^ 0x6f);
  t.is(linearToUlaw(-4 * 4063), 0x7f ^ 0x70);
});

test('A-law: values stated in G.711 (idle 0xD5/0x55, extremes 0xAA/0x2A, segment starts)', (t) => {
  t.is(linearToAlaw(0), 0xd5);
  t.is(linearToAlaw(-1), 0x55);
  t.is(alawToLinear(0xd5), 8);
  t.is(alawToLinear(0x55), -8);
  t.is(alawToLinear(0xaa), 4032 * 8);
  t.is(alawToLinear(0x2a), -4032 * 8);
  // First reconstruction value of segments 1..7 (Table 1a): 33, 66, 132, 264, 528, 1056, 2112.
  [33, 66, 132, 264, 528, 1056, 2112].forEach((v, i) => t.is(alawToLinear(0x80 ^ 0x55 ^ ((i + 1) << 4)), 8 * v));
  t.is(linearToAlaw(8 * 2048), 0x80 ^ 0x55 ^ 0x70);
  t.is(linearToAlaw(8 * 2048 - 1), 0x80 ^ 0x55 ^ 0x6f);
});

test('every 16-bit input encodes and decodes as the float reference of Tables 1a and 2a says', (t) => {
  const u = ulawReference();
  const a = alawReference();
  let mismatches = 0;
  for (let x = -32768; x < 32768; x++) {
    const uc = codeFor(u, Math.abs(x) / 4);
    const ac = codeFor(a, (x < 0 ? -x - 1 : x) / 8); // negatives by ones' complement, as 13-bit codecs take them
    const uExpected = (x < 0 ? 0x7f : 0xff) ^ uc;
    const aExpected = (x < 0 ? 0x00 : 0x80) ^ ac ^ 0x55;
    if (linearToUlaw(x) !== uExpected || linearToAlaw(x) !== aExpected) mismatches++;
    if (ulawToLinear(uExpected) !== (x < 0 ? -1 : 1) * 4 * u[uc][1] || alawToLinear(aExpected) !== (x < 0 ? -1 : 1) * 8 * a[ac][1]) mismatches++;
  }
  t.is(mismatches, 0);
});

test('G711RoundTrip: a −10 dBm0 1 kHz tone keeps an SNR ≥ 35 dB with either law', (t) => {
  const figures: string[] = [];
  for (const law of ['ulaw', 'alaw'] as const) {
    // 1 kHz is a sub-multiple of 8 kHz (only 8 distinct samples), so add a small offset as G.712 does (1004 Hz).
    const buf = tone(1004, -10, 16000);
    new G711RoundTrip(law).process(buf, buf.length);
    const { amplitude, residual } = fitSine(buf, 1004);
    const snr = db((amplitude * amplitude) / 2 / residual);
    figures.push(`${law}: ${snr.toFixed(1)} dB`);
    t.true(snr >= 35, `${law} ${snr}`);
  }
  t.log(`G.711 round trip, −10 dBm0 1004 Hz: ${figures.join(', ')}`);
  t.throws(() => new G711RoundTrip('xlaw' as 'ulaw'), { message: /law/ });
});
