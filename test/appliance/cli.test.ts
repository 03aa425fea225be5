/** `dialtone --help` and a mistyped option print the usage, never a stack trace (issue 18). */
import { spawnSync } from 'node:child_process';
import test from 'ava';
import { MAIN_TS, REPO_ROOT } from '../helpers/daemon.ts';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN_TS, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });

for (const args of [['--help'], ['-h'], ['help'], ['start', '--help'], ['doctor', '--help'], ['ring', '--help']]) {
  test(`dialtone ${args.join(' ')}: the usage on stdout, exit 0`, (t) => {
    const r = run(...args);
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, /^usage:\n {2}dialtone \[start\]/);
    t.regex(r.stdout, /dialtone doctor/);
    t.is(r.stderr, '');
  });
}

for (const args of [['--frobnicate'], ['start', '--clock'], ['doctor', '--nonsense'], ['ring', '--bogus', '--stdio']]) {
  test(`dialtone ${args.join(' ')}: what is wrong and the usage on stderr, exit 2, no stack trace`, (t) => {
    const r = run(...args);
    t.is(r.status, 2, r.stderr);
    t.regex(r.stderr, /^dialtone: .*(Unknown option|argument missing)/i);
    t.regex(r.stderr, /usage:\n {2}dialtone \[start\]/);
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('dialtone frobnicate (an unknown command): the usage, exit 2', (t) => {
  const r = run('frobnicate');
  t.is(r.status, 2);
  t.regex(r.stderr, /usage:/);
  t.notRegex(r.stderr, /\n\s+at /);
});
