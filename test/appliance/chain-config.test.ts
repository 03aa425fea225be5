/**
 * Channel chains in the configuration (issue 19): `dialtone config check` and start-up refuse an unknown codec or
 * preset, an AMR mode that does not exist, an erasure rate outside 0–1, and a codec library that cannot be loaded,
 * each with a message naming the key (or the library and its Debian package); the daemon never half-starts.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'dialtone-chain-config-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string): string {
  const path = join(dir, `case-${++n}.yaml`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function dialtone(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'firmware-app/main.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
}

const CASES: { name: string; yaml: string; message: RegExp; env?: NodeJS.ProcessEnv }[] = [
  {
    name: 'an unknown codec name',
    yaml: 'exchange:\n  line:\n    chain: [cvsd, amr, g711a]\n',
    message: /exchange\.line\.chain\[1\]: found an unknown channel model "amr", expected one of cvsd, msbc, amr-nb, amr-wb, gsm-fr, g711a, g711u/,
  },
  {
    name: 'an unknown preset on the line',
    yaml: 'exchange:\n  line:\n    preset: lte\n',
    message: /exchange\.line\.preset: found "lte", expected a channel preset: gsm-fr, umts-amr, volte-wb, poor-radio/,
  },
  {
    name: 'an unknown preset on a number',
    yaml: 'exchange:\n  numbers:\n    "5552400": { kind: modem, modulation: v22bis, host: echo, preset: umts }\n',
    message: /exchange\.numbers\.5552400\.preset: found "umts", expected a channel preset/,
  },
  {
    name: 'an AMR-NB mode that does not exist',
    yaml: 'exchange:\n  line:\n    chain: [cvsd, { amr-nb: { mode: 8 } }, g711a]\n',
    message: /exchange\.line\.chain\[1\]\.amr-nb\.mode: found 8, not an AMR-NB mode, expected one of 4\.75, 5\.15, 5\.9, 6\.7, 7\.4, 7\.95, 10\.2, 12\.2/,
  },
  {
    name: 'an erasure rate outside 0–1',
    yaml: 'exchange:\n  line:\n    chain: [{ amr-nb: { mode: 4.75, erasureRate: 1.01 } }]\n',
    message: /exchange\.line\.chain\[0\]\.amr-nb\.erasureRate: found 1\.01, expected a number from 0 to 1/,
  },
  {
    name: 'a codec library that cannot be loaded',
    yaml: 'exchange:\n  line:\n    preset: umts-amr\n',
    env: { DIALTONE_AMRNB_LIBRARY: '/nonexistent/libopencore-amrnb.so.0' },
    message: /exchange\.line\.preset: found amr-nb, whose library \/nonexistent\/libopencore-amrnb\.so\.0 cannot be loaded, expected the Debian package libopencore-amrnb0 installed/,
  },
];

for (const c of CASES) {
  test(`config check refuses ${c.name}`, (t) => {
    const path = file(c.yaml);
    const r = dialtone(['config', 'check', path], c.env);
    t.is(r.status, 1, r.stdout + r.stderr);
    t.regex(r.stderr, /^dialtone: configuration error:\n/);
    t.regex(r.stderr, c.message);
    t.notRegex(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });
}

test('config check accepts every preset, a chain per direction and a number through a preset', (t) => {
  const path = file(
    [
      'exchange:',
      '  line:',
      '    chain:',
      '      toCallee: [cvsd, phone, { amr-nb: { mode: 7.95, dtx: true, schedule: [{ mode: 12.2, seconds: 20 }, { mode: 5.9, seconds: 10 }, { mode: 12.2, seconds: 1 }] } }, g711a]',
      '      toCaller: [g711a, { amr-nb: { mode: 12.2, erasureRate: 0.01 } }, cvsd]',
      '  numbers:',
      '    "5552410": { kind: modem, modulation: v22bis, host: echo, preset: gsm-fr }',
      '    "5552411": { kind: modem, modulation: v22bis, host: echo, preset: umts-amr }',
      '    "5552412": { kind: modem, modulation: v22bis, host: echo, preset: poor-radio }',
      '    "5552413": { kind: modem, modulation: v22bis, host: echo, preset: volte-wb }',
      '',
    ].join('\n'),
  );
  const r = dialtone(['config', 'check', path]);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /valid/);
});

test('the daemon does not start with a bad chain: exit 1 before opening its port or socket', (t) => {
  const link = join(dir, 'never-modem');
  const sock = join(dir, 'never.sock');
  const bad = file('exchange:\n  line:\n    chain: [cvsd, { amr-wb: { mode: 12.2 } }]\n');
  const r = dialtone(['start', '--config', bad, '--link', link, '--socket', sock, '--clock', 'fast']);
  t.is(r.status, 1);
  t.regex(r.stderr, /exchange\.line\.chain\[1\]\.amr-wb\.mode: found 12\.2, not an AMR-WB mode/);
  t.false(existsSync(link));
  t.false(existsSync(sock));
});
