import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../firmware-app/config.ts';
import { dial, exchangeRig, sleep } from './exchange-rig.ts';

// An answering modem in front of a program: bytes after the handshake to its stdin, its stdout back to the caller.
test.serial('a number answered by a program: its output reaches the caller, the caller\'s bytes reach it', async (t) => {
  const { term, modem, log } = await exchangeRig(t, {
    numbers: {
      '5557000': { kind: 'modem', modulation: 'v22bis', host: { command: `printf 'host at %s bit/s\\r\\n' "$DIALTONE_RATE"; exec stdbuf -o0 tr a-z A-Z` } },
    },
  });
  await dial(term!, 'V22B', '5557000');
  await term!.waitFor(/CONNECT 2400\r\n/, 60_000);
  await term!.waitFor('host at 2400 bit/s\r\n', 30_000);
  await term!.write('hello, program');
  await term!.waitFor('HELLO, PROGRAM', 30_000);
  t.is(modem.state, 'online');
  t.true(log.some((l) => l.includes('program host: CONNECT 2400')));
});

test.serial('the program exiting hangs up after its last output is sent; NO CARRIER at the caller', async (t) => {
  const text = 'x'.repeat(2000);
  const { term, log } = await exchangeRig(t, {
    numbers: { '5557001': { kind: 'modem', modulation: 'v22', host: { command: `printf '%s<end>' ${text}` } } },
  });
  await dial(term!, 'V22', '5557001');
  await term!.waitFor(/CONNECT 1200\r\n/, 60_000);
  const got = await term!.waitFor('<end>', 60_000);
  t.is(got.length, text.length + 5, 'all of the program\'s output arrived before the hang-up');
  await term!.waitFor('NO CARRIER\r\n', 30_000);
  t.true(log.some((l) => /program host: .* exited \(0\)/.test(l)));
});

test.serial('the caller hanging up closes the program\'s stdin; a program that ignores it is stopped', async (t) => {
  const { term, log } = await exchangeRig(t, {
    numbers: { '5557002': { kind: 'modem', modulation: 'v22bis', host: { command: `trap '' HUP; echo ready; cat >/dev/null; echo eof >&2; sleep 60` } } },
  });
  await dial(term!, 'V22B', '5557002');
  await term!.waitFor(/CONNECT 2400\r\n/, 60_000);
  await term!.waitFor('ready', 30_000);
  await sleep(1200);
  await term!.write('+++');
  await term!.waitFor('OK\r\n', 5000);
  await term!.write('ATH\r');
  await term!.waitFor('OK\r\n', 5000);
  const t0 = Date.now();
  while (!log.some((l) => /exited \((SIGTERM|143)\)/.test(l)) && Date.now() - t0 < 15_000) await sleep(50);
  t.true(log.some((l) => l.includes('] eof')), 'the program saw end of file on stdin');
  t.true(log.some((l) => /exited \((SIGTERM|143)\)/.test(l)), `stopped after the grace period:\n${log.join('\n')}`);
});

test.serial('a command that cannot start: the caller gets NO CARRIER, the log says why', async (t) => {
  const { term, log } = await exchangeRig(t, {
    numbers: { '5557003': { kind: 'modem', modulation: 'v22bis', host: { command: 'no-such-program-dialtone' } } },
  });
  await dial(term!, 'V22B', '5557003');
  await term!.waitFor(/CONNECT 2400\r\n/, 60_000);
  await term!.waitFor('NO CARRIER\r\n', 30_000);
  t.true(log.some((l) => /not found/.test(l)), log.join('\n'));
});

test('configuration: host { command } is accepted; a host that is neither echo nor { command } is refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-cfg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'exchange:\n  numbers:\n    "5558000": { kind: modem, modulation: v22bis, host: { command: "exec pppd-server" } }\n');
  const route = loadConfig(good).exchange.numbers['5558000'];
  t.deepEqual(route, { kind: 'modem', modulation: 'v22bis', host: { command: 'exec pppd-server' } });
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'exchange:\n  numbers:\n    "5558000": { kind: modem, modulation: v22bis, host: { cmd: "pppd" } }\n');
  const err = t.throws(() => loadConfig(bad));
  t.regex(err!.message, /host/);
});
