/**
 * What Windows 95/98/XP's Unimodem says to a modem when a user dials with Dial-Up Networking, replayed against
 * Dialtone: the INF's Reset and Init strings, the per-call settings string, the dial, and the responses it waits
 * for. Every line Dialtone answers must be one the INF's [Responses] section names (the strings in
 * image-build/windows/dialtone.inf); after ATD the answer must be CONNECT, BUSY or NO CARRIER, never a bare OK
 * (Windows' error 678, "the remote computer did not respond").
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Terminal } from '../helpers/terminal.ts';
import { REPO_ROOT } from '../helpers/daemon.ts';
import { exchangeRig } from './exchange-rig.ts';

const INF = readFileSync(join(REPO_ROOT, 'image-build/windows/dialtone.inf'), 'latin1');

/** The response strings the INF lists (HKR, Responses, "<text><cr><lf>", ...), as Unimodem would match them. */
const responses = [...INF.matchAll(/^HKR,\s*Responses,\s*"(?:<cr><lf>)?([^"<]*)(?:<cr><lf>)?"/gim)].map((m) => m[1]);
/** The INF's Init strings in order, and the settings Unimodem composes from its Settings keys. */
const init = [...INF.matchAll(/^HKR,\s*Init,\s*\d+,,\s*"([^"]*)<cr>"/gim)].map((m) => m[1]);
const reset = /^HKR,\s*,\s*Reset,,\s*"([^"]*)<cr>"/im.exec(INF)![1];

/** Send one command line; collect the response lines up to a final result; check each against the INF. */
async function command(t: import('ava').ExecutionContext, term: Terminal, line: string, timeoutMs = 90_000): Promise<string[]> {
  await term.write(`${line}\r`);
  const text = await term.waitFor(/\r\n(OK|ERROR|CONNECT[^\r]*|BUSY|NO CARRIER|NO DIALTONE|NO ANSWER)\r\n/, timeoutMs);
  const lines = text.split('\r\n').map((l) => l.replace(/^.*\r/, '')).filter((l) => l.length > 0 && l !== line);
  for (const l of lines) t.true(responses.includes(l), `"${l}" (to ${line}) is not among the INF's responses`);
  return lines;
}

const SILENT = `exec stdbuf -i0 -o0 tr '\\000-\\377' '\\000'`; // answers, then never a tone: lock-step silence

test.serial('the Dialtone 2400 INF dialogue: reset, init, settings, dial: CARRIER, PROTOCOL, COMPRESSION, CONNECT', async (t) => {
  t.true(init.length >= 2, 'the INF has Init strings');
  t.true(init.some((s) => s.includes('&FE0V1&C1&D2S0=0W2')), 'the INF initialises with AT&FE0V1&C1&D2S0=0W2');
  const { term } = await exchangeRig(t, { numbers: { '5552999': { kind: 'program', command: SILENT } } });
  t.deepEqual(await command(t, term!, 'AT'), ['OK']);
  t.deepEqual(await command(t, term!, reset), ['OK']);
  for (const s of init) t.deepEqual(await command(t, term!, s), ['OK'], s);
  // Settings from the INF's Settings keys: CallSetupFailTimer S7=, InactivityTimeout S30=, speaker, flow control
  // &K3, error control \N3, compression %C1, blind-dial off X4.
  t.deepEqual(await command(t, term!, 'ATS7=60S30=0L0M1&K3\\N3%C1X4'), ['OK']);
  const dial = await command(t, term!, 'ATDT5552400');
  t.deepEqual(dial, ['CARRIER 2400', 'PROTOCOL: LAPM', 'COMPRESSION: V.42BIS', 'CONNECT 2400/ARQ/V42BIS']);
});

test.serial('Unimodem\'s dial to a busy line, a line nobody answers and a silent far end: BUSY, NO CARRIER, never OK', async (t) => {
  const { term } = await exchangeRig(t, { numbers: { '5552999': { kind: 'program', command: SILENT } } });
  await command(t, term!, reset);
  for (const s of init) await command(t, term!, s);
  await command(t, term!, 'ATS7=60S30=0L0M1&K3\\N3%C1X4');
  t.deepEqual(await command(t, term!, 'ATDT5552000'), ['BUSY']);
  t.deepEqual(await command(t, term!, 'ATDT5553000'), ['NO CARRIER'], 'no answer within S7=60 s');
  t.deepEqual(await command(t, term!, 'ATDT5552999'), ['NO CARRIER'], 'answered, but no modem');
});

test.serial('the generic Standard Modem\'s init (no +MS: V.21, the factory modulation) to the V.21 echo host', async (t) => {
  const { term } = await exchangeRig(t);
  await command(t, term!, 'AT&F');
  await command(t, term!, 'AT&FE0V1&C1&D2S0=0W2');
  await command(t, term!, 'ATS7=60S30=0L0M1&K3\\N3%C1X4');
  t.deepEqual(await command(t, term!, 'ATDT5551000'), ['CARRIER 300', 'PROTOCOL: NONE', 'COMPRESSION: NONE', 'CONNECT 300']);
});
