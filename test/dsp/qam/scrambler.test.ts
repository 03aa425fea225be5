import test from 'ava';
import { V22_ONES_LIMIT, V22Descrambler, V22Scrambler } from '../../../dsp/scrambler.ts';
import { mulberry32 } from '../../helpers/random.ts';

/**
 * The definition, written out as a reference: V.22 §5, the line sequence is the quotient of the data by
 * 1 + x^-14 + x^-17, i.e. ds[n] = di[n] ⊕ ds[n − 14] ⊕ ds[n − 17] (line bits before the start are 0), with the
 * next input inverted after 64 consecutive output ones.
 */
function referenceScramble(data: number[]): number[] {
  const ds: number[] = [];
  let ones = 0;
  for (let n = 0; n < data.length; n++) {
    let di = data[n];
    if (ones >= 64) {
      di ^= 1;
      ones = 0;
    }
    const s = di ^ (ds[n - 14] ?? 0) ^ (ds[n - 17] ?? 0);
    ds.push(s);
    ones = s ? ones + 1 : 0;
  }
  return ds;
}

function randomBits(n: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => (r() < 0.5 ? 0 : 1));
}

test('scrambler: equals the polynomial division 1 + x^-14 + x^-17 of V.22 §5 on random data', (t) => {
  const data = randomBits(20_000, 7);
  const s = new V22Scrambler();
  t.deepEqual(
    data.map((b) => s.scramble(b)),
    referenceScramble(data),
  );
});

test('scrambler: pinned start of scrambled binary ones from the zero state', (t) => {
  const s = new V22Scrambler();
  const out = Array.from({ length: 40 }, () => s.scramble(1)).join('');
  // Fourteen ones pass through, then the x^-14 tap starts cancelling them: 1 ⊕ 1 = 0 at n = 14, and so on.
  t.is(out, referenceScramble(new Array(40).fill(1)).join(''));
  t.is(out.slice(0, 17), '11111111111111000');
});

test('descrambler inverts the scrambler, and resynchronises 17 bits after a line error', (t) => {
  const data = randomBits(5000, 3);
  const s = new V22Scrambler();
  const d = new V22Descrambler();
  const line = data.map((b) => s.scramble(b));
  line[1000] ^= 1; // one line error
  const out = line.map((b) => d.descramble(b));
  const wrong = out.map((b, i) => (b !== data[i] ? i : -1)).filter((i) => i >= 0);
  // One line error corrupts the bit itself and the two bits that see it through the taps (error multiplication 3).
  t.deepEqual(wrong, [1000, 1014, 1017]);
});

test('descrambler synchronises from any state within 17 bits', (t) => {
  const data = randomBits(300, 11);
  const s = new V22Scrambler();
  s.reg = 0x1abcd;
  const d = new V22Descrambler();
  const out = data.map((b) => d.descramble(s.scramble(b)));
  t.deepEqual(out.slice(17), data.slice(17));
});

test('64-ones guard: an all-ones register fed ones breaks the run after 64 ones, and the data survive', (t) => {
  t.is(V22_ONES_LIMIT, 64);
  const s = new V22Scrambler();
  s.reg = 0x1ffff; // ones in, ones out: 1 ⊕ 1 ⊕ 1 = 1, the adverse state V.22 §5 guards against
  const line = Array.from({ length: 300 }, () => s.scramble(1));
  t.is(line.slice(0, 64).join(''), '1'.repeat(64));
  t.is(line[64], 0, 'the 65th input bit is inverted');
  let run = 0;
  let longest = 0;
  for (const b of line) longest = Math.max(longest, (run = b ? run + 1 : 0));
  t.true(longest <= 64);
  const d = new V22Descrambler();
  d.reg = 0x1ffff;
  t.deepEqual(
    line.map((b) => d.descramble(b)),
    new Array(300).fill(1),
  );
});

test('unscrambled binary ones through the descrambler: ones with the guard inversion every 65 bits', (t) => {
  // Why the handshake must not take unscrambled ones (USB1) for scrambled ones by their descrambled value alone.
  const d = new V22Descrambler();
  const out = Array.from({ length: 200 }, () => d.descramble(1));
  t.is(out.slice(17, 64).join(''), '1'.repeat(47));
  t.is(out[64], 0, 'the 65th one at the input inverts its output');
  t.is(out[128], 0);
});
