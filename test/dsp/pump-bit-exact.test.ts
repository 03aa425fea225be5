/**
 * Every throughput pair's output, pinned: the SHA-256 of each direction's transmitted samples and of each receiver's
 * characters over LINE_SECONDS of a call (the pairs of test/bench/pump-pairs.ts, fixed seeds), on a clean line and
 * through white noise (so that the receivers' noisy paths, such as the FSK sequence search, run too). An optimisation
 * of a pump must leave these unchanged (issue 24: faster, bit-exact); a change meant to alter the output updates
 * the hashes in the same commit and says why. `PIN=1 npx ava test/dsp/pump-bit-exact.test.ts --verbose` logs the
 * table to paste.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Awgn } from '../../dsp/channel/awgn.ts';
import { FRAME_SAMPLES } from '../../dsp/q15.ts';
import { makePair, PAIR_NAMES } from '../bench/pump-pairs.ts';
import type { PairName } from '../bench/pump-pairs.ts';

const LINE_SECONDS = 40;
/** Noise where each receiver makes errors (over 0–4000 Hz, −10 dBm0): FSK at 0 dB, V.22 and Bell 212A at 2 dB, V.22bis at 9 dB. */
const NOISY_SNR_DB = (name: PairName): number => (name === 'v22bis' ? 9 : name === 'v22' || name === 'bell212a' ? 2 : 0);

/** Hashes, 16 hex digits each: [direction 0 tx, direction 1 tx, receiver 0 rx, receiver 1 rx], then characters. */
type Digest = [string, string, string, string, number];

function digest(name: PairName, snrDb: number | null): Digest {
  const tx: Hash[] = [createHash('sha256'), createHash('sha256')];
  const rx: Hash[] = [createHash('sha256'), createHash('sha256')];
  const bytes: number[][] = [[], []];
  const noise = snrDb === null ? [] : [1, 2].map((seed) => new Awgn({ snrDb, signalDbm0: -10, seed }));
  const pair = makePair(name, {
    tx: (d, frame) => tx[d].update(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)),
    rx: (r, byte) => bytes[r].push(byte),
    line: snrDb === null ? undefined : (d, frame) => noise[d].process(frame, FRAME_SAMPLES),
  });
  for (let i = 0; i < LINE_SECONDS * 50; i++) pair.step();
  rx[0].update(Uint8Array.from(bytes[0]));
  rx[1].update(Uint8Array.from(bytes[1]));
  const short = (h: Hash): string => h.digest('hex').slice(0, 16);
  return [short(tx[0]), short(tx[1]), short(rx[0]), short(rx[1]), bytes[0].length + bytes[1].length];
}

/** Recorded on main at cba0641, before the issue-24 optimisations. Bell 202 has one transmitter: its tx[1] is empty. */
const PINNED: Record<string, Digest> = {
  v21: ['933b557195a5ae14', '26eb129262f8e90b', '0ed28fbac0c5d553', '97f57dccb612b4c2', 2386],
  'v21 0 dB': ['933b557195a5ae14', '26eb129262f8e90b', '37fb12b063e4968f', '914f0d4916b97b47', 2261],
  bell103: ['8cbb8a465569b757', '5b4251e179345ffd', '0ed28fbac0c5d553', '97f57dccb612b4c2', 2386],
  'bell103 0 dB': ['8cbb8a465569b757', '5b4251e179345ffd', '65f048edba814c5b', '37889c443a088154', 2302],
  v23: ['3eb664cc627b3bad', '4c9fd3327e7cb6b4', 'cb018c7d0c94e397', 'da7796d90d13ac86', 5073],
  'v23 0 dB': ['3eb664cc627b3bad', '4c9fd3327e7cb6b4', 'bc6e2f62bb88c216', 'da7796d90d13ac86', 2093],
  bell202: ['34173f5069b4d623', 'e3b0c44298fc1c14', '3ff5b47fd09acd46', '3ff5b47fd09acd46', 9550],
  'bell202 0 dB': ['34173f5069b4d623', 'e3b0c44298fc1c14', 'fd76c6b7f46c4f74', 'fd76c6b7f46c4f74', 4252],
  v22: ['7a5ba2defb98c928', 'b45f9cd5ea8669f0', '4745aa65d74c563e', '826169037120f6b6', 9116],
  'v22 2 dB': ['fbfa1a9135082079', '234eaaa50e668254', 'a3afc4962951c075', '1202c507cff8ebce', 8740],
  bell212a: ['6422adf25d89a287', '6eba4c75e349117f', '4c1fec3ad21d00c1', '7eaae08d9f63d0fe', 9142],
  'bell212a 2 dB': ['7412f8a301dc29d6', 'c4a25c566aff0fa6', '4423556166083e49', '8eccfbf4d0cd04c9', 8796],
  v22bis: ['d5029776ac893883', 'eacba98c4b9456cd', 'ee17ad384a6f99d8', '7c79660d31422b55', 18344],
  'v22bis 9 dB': ['ab3a480097dff648', '4807740421b61695', 'bc31ae2177b4b6cb', 'b8316172c9825f55', 2608],
};

for (const name of PAIR_NAMES) {
  for (const snrDb of [null, NOISY_SNR_DB(name)]) {
    const key = snrDb === null ? name : `${name} ${snrDb} dB`;
    test(`${key}: transmitted samples and received characters bit-exact with the pinned hashes`, (t) => {
      const d = digest(name, snrDb);
      if (process.env.PIN) t.log(`'${key}': ${JSON.stringify(d)},`);
      t.true(d[4] > 0);
      t.deepEqual(d, PINNED[key]);
    });
  }
}
