import test from 'ava';
import { resolve } from 'node:path';
import { layerViolations } from './helpers/layers.ts';

const REPO = resolve(import.meta.dirname, '..');

test('no import points up a layer: dsp/ and config/ import nothing of the project, hal/ not firmware-app/', (t) => {
  const { files, violations } = layerViolations(REPO);
  t.true(files > 100, `only ${files} files scanned`);
  t.deepEqual(violations, []);
});

test('the check finds each kind of violation: import type, dynamic import(), export from, a run-time import of the schema', (t) => {
  const { files, violations } = layerViolations(resolve(import.meta.dirname, 'fixtures/layers'));
  t.is(files, 5);
  t.deepEqual(violations, [
    { file: 'dsp/filter.ts', line: 2, specifier: '../hal/port.ts', reason: 'dsp/ may not import from hal/' },
    { file: 'config/schema.ts', line: 2, specifier: '../dsp/filter.ts', reason: 'config/ may not import from dsp/' },
    { file: 'hal/port.ts', line: 8, specifier: '../firmware-app/daemon.ts', reason: 'hal/ may not import from firmware-app/' },
    { file: 'firmware-app/daemon.ts', line: 2, specifier: '../config/schema.ts', reason: 'config/schema.ts: import type only' },
    { file: 'firmware-app/daemon.ts', line: 5, specifier: '../../../../dsp/pump-factory.ts', reason: 'firmware-app/ may not import from outside the tree' },
  ]);
});
