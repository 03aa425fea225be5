import test from 'ava';
import type { DataPump } from '../../../dsp/pump.ts';
import { FskDataPump } from '../../../dsp/fsk/fsk-pump.ts';
import { FSK_MODES } from '../../../dsp/fsk/specs.ts';
import { AsyncBitDeframer } from '../../../dsp/uart/async-bits.ts';
import { AsyncFramer } from '../../../dsp/uart/async-framer.ts';
import { randomBytes } from '../../helpers/random.ts';

test('async bits: AsyncFramer → AsyncBitDeframer is byte-exact, with mark fill between characters', (t) => {
  const data = randomBytes(500, 3);
  const framer = new AsyncFramer(undefined, 1000);
  const got: number[] = [];
  const d = new AsyncBitDeframer({ putByte: (b) => got.push(b) });
  for (let i = 0; i < 40; i++) d.putBit(framer.nextBit()); // idle mark
  framer.queue.write(data.subarray(0, 250));
  for (let i = 0; i < 250 * 10 + 37; i++) d.putBit(framer.nextBit());
  framer.queue.write(data.subarray(250));
  for (let i = 0; i < 250 * 10 + 5; i++) d.putBit(framer.nextBit());
  t.deepEqual(Uint8Array.from(got), data);
});

test('async bits: a space stop bit is a framing error, and the deframer waits for mark before the next start', (t) => {
  const got: number[] = [];
  let errors = 0;
  const d = new AsyncBitDeframer({ putByte: (b) => got.push(b), framingError: () => errors++ });
  const bits = '1 0 10000010 0 0 0 1 0 10000010 1 1'.replace(/ /g, '');
  for (const c of bits) d.putBit(Number(c));
  t.is(errors, 1);
  t.deepEqual(got, [0x41]);
});

test('DataPump: the FSK pump has the shared shape (compile-time check)', (t) => {
  const p: DataPump = new FskDataPump(FSK_MODES.v21, 'caller');
  t.is(p.state, 'await-answer-tone');
});
