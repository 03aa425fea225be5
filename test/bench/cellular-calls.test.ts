import test from 'ava';
import { countErrors, payloadSplit } from './cellular-calls.ts';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
const seq = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => (from + i * 37) & 0xff);

test('countErrors: exact copy, one substituted bit, lost and inserted characters re-aligned', (t) => {
  const sent = b(...seq(40));
  t.deepEqual(countErrors(sent, sent), { bitErrors: 0, byteErrors: 0 });
  const flipped = Uint8Array.from(sent);
  flipped[10] ^= 0x10;
  t.deepEqual(countErrors(sent, flipped), { bitErrors: 1, byteErrors: 1 });
  const lost = b(...seq(40).filter((_, i) => i !== 5 && i !== 6));
  t.deepEqual(countErrors(sent, lost), { bitErrors: 16, byteErrors: 2 });
  const inserted = b(...seq(20), 0xaa, ...seq(20, 20 * 37));
  t.deepEqual(countErrors(sent, inserted), { bitErrors: 8, byteErrors: 1 });
});

test('countErrors: what never came counts 8 bits a character; stray characters after the payload do not count', (t) => {
  const sent = b(...seq(40));
  t.deepEqual(countErrors(sent, b()), { bitErrors: 320, byteErrors: 40 });
  t.deepEqual(countErrors(sent, b(...seq(30))), { bitErrors: 80, byteErrors: 10 });
  t.deepEqual(countErrors(sent, b(...seq(40), 0xff, 0x00)), { bitErrors: 0, byteErrors: 0 });
});

test('payloadSplit: both ways on duplex modulations, one way on V.23 and Bell 202', (t) => {
  t.deepEqual(payloadSplit('v22bis', 100), { toAnswerer: 50, toCaller: 50 });
  t.deepEqual(payloadSplit('v23', 100), { toAnswerer: 0, toCaller: 100 });
  t.deepEqual(payloadSplit('bell202', 100), { toAnswerer: 0, toCaller: 100 });
});
