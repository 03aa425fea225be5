import test from 'ava';
import { randomBytes } from '../helpers/random.ts';
import { ENGLISH } from '../dsp/v42/corpus.ts';
import { runSpandspV42 } from './v42-peer.ts';

/** 256 KiB of mixed English text and random data. */
function mixed(seed: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let k = 0; n < 256 * 1024; k++) {
    const p = k % 2 === 0 ? ENGLISH.subarray((k * 4096) % 30000, ((k * 4096) % 30000) + 4096) : randomBytes(4096, seed + k);
    parts.push(p);
    n += p.length;
  }
  return Buffer.concat(parts).subarray(0, 256 * 1024);
}

for (const role of ['caller', 'answerer'] as const) {
  test(`V.22bis + V.42 with spandsp: Dialtone as ${role}, 256 KiB each way byte-exact`, async (t) => {
    const toSpandsp = mixed(1);
    const toUs = mixed(100);
    const r = await runSpandspV42({ role, ours: { errorControl: 'required', compression: false }, toSpandsp, toUs, maxSeconds: 1500 });
    t.log(
      r.log
        .split('\n')
        .filter((l) => /CONNECT|spandsp-v42|done/.test(l))
        .join(' | '),
    );
    t.log(`line time ${r.seconds} s; ours ${JSON.stringify(r.pump.stats)}`);
    t.is(r.pump.mode, 'lapm');
    t.deepEqual(Buffer.from(r.got), Buffer.from(toUs));
    t.deepEqual(Buffer.from(r.spandspGot), Buffer.from(toSpandsp));
    t.is(r.spandspExit, 0);
  });
}
