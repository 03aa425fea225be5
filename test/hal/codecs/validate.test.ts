import test from 'ava';
import { assertCodecSpec, createCodecStage, validateCodecSpec } from '../../../hal/codecs/index.ts';
import type { CodecSpec } from '../../../hal/codecs/index.ts';

test('good codec specifications pass', (t) => {
  const good: unknown[] = [
    { codec: 'amr-nb', mode: 4.75 },
    { codec: 'amr-nb', mode: 12.2, dtx: true, erasureRate: 0.01, seed: 7 },
    {
      codec: 'amr-nb',
      mode: 12.2,
      schedule: [
        { mode: 12.2, seconds: 20 },
        { mode: 7.95, seconds: 10 },
      ],
    },
    { codec: 'amr-nb', schedule: [{ mode: 5.9, seconds: 0.02 }] },
    { codec: 'amr-wb', mode: 23.85, erasureRate: 1 },
    { codec: 'amr-wb', mode: 6.6, dtx: false, erasureRate: 0 },
    { codec: 'msbc' },
    { codec: 'msbc', erasureRate: 0.05, seed: 0 },
  ];
  for (const spec of good) t.is(validateCodecSpec(spec), null, JSON.stringify(spec));
});

const bad: [unknown, RegExp][] = [
  [{ codec: 'amr-nb', mode: 12.1 }, /^mode: 12\.1 is not an AMR-NB mode \(kbit\/s: 4\.75, 5\.15, 5\.9, 6\.7, 7\.4, 7\.95, 10\.2, 12\.2\)$/],
  [{ codec: 'amr-nb', mode: '12.2' }, /^mode: "12\.2" is not an AMR-NB mode/],
  [{ codec: 'amr-nb' }, /^mode: undefined is not an AMR-NB mode/],
  [{ codec: 'amr-wb', mode: 12.2 }, /^mode: 12\.2 is not an AMR-WB mode \(kbit\/s: 6\.6, 8\.85, 12\.65/],
  [{ codec: 'amr-nb', mode: 12.2, erasureRate: 1.5 }, /^erasureRate: 1\.5 is not a frame erasure rate between 0 and 1$/],
  [{ codec: 'amr-nb', mode: 12.2, erasureRate: -0.01 }, /^erasureRate: -0\.01 /],
  [{ codec: 'msbc', erasureRate: Number.NaN }, /^erasureRate: NaN /],
  [{ codec: 'msbc', erasureRate: '1%' }, /^erasureRate: "1%" /],
  [
    {
      codec: 'amr-nb',
      mode: 12.2,
      schedule: [
        { mode: 12.2, seconds: 20 },
        { mode: 6, seconds: 10 },
      ],
    },
    /^schedule\[1\]\.mode: 6 is not an AMR-NB mode/,
  ],
  [{ codec: 'amr-nb', mode: 12.2, schedule: [{ mode: 12.2, seconds: 0 }] }, /^schedule\[0\]\.seconds: 0 is not a positive number of seconds$/],
  [{ codec: 'amr-nb', mode: 12.2, schedule: [{ mode: 12.2, seconds: -3 }] }, /^schedule\[0\]\.seconds: -3 /],
  [{ codec: 'amr-nb', mode: 12.2, schedule: [{ mode: 12.2 }] }, /^schedule\[0\]\.seconds: undefined /],
  [{ codec: 'amr-nb', mode: 12.2, schedule: [] }, /^schedule: \[\] is not a list/],
  [{ codec: 'amr-nb', mode: 12.2, schedule: [{ mode: 12.2, secs: 1 }] }, /^schedule\[0\]\.secs: unknown key/],
  [
    {
      codec: 'amr-wb',
      mode: 12.65,
      schedule: [
        { mode: 12.65, seconds: 1 },
        { mode: 4.75, seconds: 1 },
      ],
    },
    /^schedule\[1\]\.mode: 4\.75 is not an AMR-WB mode/,
  ],
  [{ codec: 'amr-nb', mode: 12.2, dtx: 'yes' }, /^dtx: "yes" is not true or false$/],
  [{ codec: 'amr-nb', mode: 12.2, seed: 1.5 }, /^seed: 1\.5 is not a non-negative integer$/],
  [{ codec: 'amr-nb', mode: 12.2, dtxx: true }, /^dtxx: unknown key for amr-nb/],
  [{ codec: 'msbc', mode: 12.2 }, /^mode: unknown key for msbc/],
  [{ codec: 'evs', mode: 13.2 }, /^codec: "evs" is not a codec \(one of amr-nb, amr-wb, msbc\)$/],
  [{ codec: 'toString' }, /^codec: "toString" is not a codec/],
  [null, /^codec: null is not a codec specification$/],
];

test('bad codec specifications: a message naming the key and the value', (t) => {
  for (const [spec, message] of bad) t.regex(validateCodecSpec(spec) ?? 'passed', message, JSON.stringify(spec));
});

test('assertCodecSpec and createCodecStage throw that message', (t) => {
  t.throws(() => assertCodecSpec({ codec: 'amr-nb', mode: 13 }), { message: /^codec specification: mode: 13 is not an AMR-NB mode/ });
  t.throws(() => createCodecStage({ codec: 'amr-nb', mode: 12.2, erasureRate: 2 } as CodecSpec), { message: /erasureRate: 2 is not/ });
});
