import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileProblem, ProfileStore, stateProblem } from '../../firmware-app/at/profiles.ts';
import { FINAL_CODES } from '../../firmware-app/at/result-codes.ts';
import { interpreter, tempDir } from './at-helpers.ts';

const RUNS = Number(process.env.AT_FUZZ_RUNS ?? 100_000);

/** Pieces of real command lines: the interpreter's whole vocabulary, right and wrong. */
const TOKENS = [
  ...'EVQXMLBNYWHOZIAD&+S '.split(''),
  ...['E0', 'E1', 'V0', 'V1', 'Q0', 'Q1', 'X0', 'X3', 'X4', 'X5', 'M0', 'L3', 'B0', 'N1', 'Y1', 'W2', 'H0', 'H1', 'O0', 'O1', 'Z', 'Z0', 'Z1', 'Z2'],
  ...['I0', 'I1', 'I4', 'I6', 'I7', 'I8', 'I255', '&V', '&V1', '&F', '&F1', '&W', '&W0', '&W1', '&W2', '&Y0', '&Y1', '&Y9'],
  ...['&C0', '&C1', '&D0', '&D2', '&D3', '&K0', '&K3', '&K4', '&K1', '&S1', '&G2', '&P1', '&R1', '&Q0', '&M1', '&J1', '&X0', '&A1'],
  ...['S0=2', 'S7=60', 'S12=0', 'S30=6', 'S25=255', 'S2=128', 'S1=5', 'S14=0', 'S99=1', 'S256=1', 'S7=999', 'S7?', 'S3?', 'S=', 'S?'],
  ...['DT5551000', 'DP9,5552000', 'DT5553000@', 'D*70;', 'DL', 'DS', 'DS=3', 'DT555;H', 'D+4930(555)', 'DW,,!', 'D', 'DR5', 'DTA'],
  ...['&Z=5551000', '&Z3=T9,5552000', '&Z4=1', '&Z1=AT&F', '&Z2=555;'],
  ...['+GMI', '+GMM', '+GMR', '+GCAP', '+GCAP=?', '+MS=V21', '+MS=B103', '+MS=X', '+MS?', '+MS=?', ';', '+'],
];

const byte = fc.integer({ min: 1, max: 255 }).map((c) => ((c & 0x7f) === 13 ? 'x' : String.fromCharCode(c)));
const tokens = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((a) => a.join(''));
const random = fc.string({ unit: byte, maxLength: 300 });
/** A valid line mutated: characters inserted, deleted, replaced. */
const mutated = fc
  .tuple(
    tokens,
    fc.array(fc.tuple(fc.constantFrom('insert', 'delete', 'replace'), fc.nat(), byte), { maxLength: 6 }),
  )
  .map(([line, edits]) => {
    let s = line;
    for (const [op, at, c] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + (op === 'insert' ? 1 : 0));
      if (op === 'insert') s = s.slice(0, i) + c + s.slice(i);
      else if (op === 'delete') s = s.slice(0, i) + s.slice(i + 1);
      else s = s.slice(0, i) + c + s.slice(i + 1);
    }
    return s;
  });

test(`${RUNS} random and mutated command lines: no exception, exactly one final result code each, profiles never corrupted`, (t) => {
  const dir = tempDir(true);
  const { at, results, send, store } = interpreter(dir);
  let lines = 0;
  let writes = 0;
  const counts = new Map<string, number>();
  const t0 = performance.now();
  fc.assert(
    fc.property(fc.oneof(tokens, mutated, random), (line) => {
      results.length = 0;
      send(Buffer.from(`AT${line}\r`, 'latin1'));
      lines++;
      const finals = results.filter((c) => FINAL_CODES.includes(c));
      if (finals.length !== 1) throw new Error(`${JSON.stringify(line)} answered ${JSON.stringify(results)}`);
      counts.set(finals[0], (counts.get(finals[0]) ?? 0) + 1);
      const why = profileProblem(at.activeProfile());
      if (why) throw new Error(`${JSON.stringify(line)} left an invalid active profile: ${why}`);
      if (/&[WYZ]/i.test(line) && finals[0] === 'OK') {
        writes++;
        const disk: unknown = JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8'));
        const bad = stateProblem(disk);
        if (bad) throw new Error(`${JSON.stringify(line)} wrote a corrupt profile file: ${bad}`);
        t.deepEqual(disk, store.state);
      }
      // Lines may move the line terminator or the backspace; the harness puts them back so the next line ends.
      at.s.set(3, 13);
      at.s.set(5, 8);
    }),
    { numRuns: RUNS, seed: 6, endOnFailure: true },
  );
  const reloaded = new ProfileStore(dir, (l) => t.fail(`warning on reload: ${l}`));
  t.is(stateProblem(reloaded.state), null);
  t.log(`${lines} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${writes} stored profiles or numbers; results ${JSON.stringify(Object.fromEntries(counts))}`);
  t.is(lines, RUNS);
});
