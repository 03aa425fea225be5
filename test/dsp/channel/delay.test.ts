import test from 'ava';
import { FlatDelay } from '../../../dsp/channel/delay.ts';

function ramp(n: number, from = 1): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => from + i);
}

test('FlatDelay: y[k] = x[k − D] exactly (its definition; a pure delay has no fixed-point error), in any block size', (t) => {
  for (const [spec, d] of [[{ samples: 0 }, 0], [{ samples: 1 }, 1], [{ samples: 37 }, 37], [{ ms: 20 }, 160], [{ ms: 62.5 }, 500]] as const) {
    const stage = new FlatDelay(spec);
    t.is(stage.samples, d);
    const x = ramp(2000);
    const y = x.slice();
    for (let i = 0; i < y.length; i += 53) {
      const part = y.subarray(i, Math.min(y.length, i + 53));
      stage.process(part, part.length);
    }
    t.deepEqual(Array.from(y), Array.from(x, (_, i) => (i >= d ? x[i - d] : 0)));
  }
});

test('FlatDelay: reset clears; bad specs are refused', (t) => {
  const stage = new FlatDelay({ samples: 4 });
  const a = ramp(8);
  stage.process(a, 8);
  stage.reset();
  const b = ramp(8);
  stage.process(b, 8);
  t.deepEqual(Array.from(b), [0, 0, 0, 0, 1, 2, 3, 4]);
  t.throws(() => new FlatDelay({ samples: -1 }), { message: /FlatDelay/ });
  t.throws(() => new FlatDelay({ samples: 1.5 }), { message: /FlatDelay/ });
});
