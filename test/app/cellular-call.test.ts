/**
 * A whole modem (real pseudo-terminal, simulated exchange, reference codecs) dialling through a channel preset
 * (issue 19): the dial suffix `:name`, CONNECT and data through the chain, ATI7/ATI6, the panel's current call and
 * the MQTT call record naming the chain; an unknown preset is an ERROR, a Hayes modifier is still a modifier.
 */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDialString } from '../../firmware-app/at/dial-string.ts';
import { loadConfig } from '../../firmware-app/config.ts';
import { FrameClock } from '../../firmware-app/frame-clock.ts';
import { Modem, type CallRecord } from '../../firmware-app/modem.ts';
import { callPayload } from '../../firmware-app/telemetry/payloads.ts';
import { resolveExchangeChains } from '../../config/chain.ts';
import { createCodecStage } from '../../hal/codecs/index.ts';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { SimulatedExchange } from '../../hal/line/simulated-exchange.ts';
import { PtyPort } from '../../hal/serial/pty-port.ts';
import { mulberry32 } from '../helpers/random.ts';
import { Terminal } from '../helpers/terminal.ts';

test('dial suffix: `:preset` at the end (before `;`), any case; unknown names are refused; digits unchanged', (t) => {
  t.is(parseDialString('T5552400:umts-amr', 2)!.preset, 'umts-amr');
  t.is(parseDialString('T5552400:umts-amr', 2)!.digits, '5552400');
  t.is(parseDialString('T555,2400 : GSM-FR ;', 2)!.preset, 'gsm-fr');
  t.true(parseDialString('T5552400:gsm-fr;', 2)!.returnToCommand);
  t.is(parseDialString('T5552400:gsm-fr;', 2)!.pauseMs, 0);
  t.is(parseDialString('T5552400', 2)!.preset, null);
  t.is(parseDialString('T5552400:lte', 2), null, 'unknown preset');
  t.is(parseDialString('Tbbs.example.org:2323', 2)!.host, 'bbs.example.org:2323', 'after a host name the colon is its port');
  t.is(parseDialString('T55:gsm-fr52400', 2), null, 'the suffix ends the dial string');
  t.is(parseDialString('T5552400#', 2)!.digits, '5552400#', '# stays a DTMF digit');
});

test('the MQTT call record carries the chain', (t) => {
  const r: CallRecord = {
    direction: 'outgoing',
    number: '5551200',
    modulation: 'v22',
    rate: 1200,
    startedAt: 0,
    durationMs: 1000,
    connectedMs: 500,
    bytesToLine: 1,
    bytesFromLine: 2,
    result: 'hangup',
    retrains: 0,
    chain: 'umts-amr: cvsd > amr-nb 12.2/15s 7.95/15s 12.2 > g711a',
  };
  t.is(callPayload(r, {}, false).chain, 'umts-amr: cvsd > amr-nb 12.2/15s 7.95/15s 12.2 > g711a');
  t.is(callPayload({ ...r, chain: null }, {}, false).chain, null);
});

async function cellularRig(t: import('ava').ExecutionContext) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-cellular-'));
  const cfg = loadConfig();
  const port = new PtyPort(join(dir, 'modem'));
  const log: string[] = [];
  const exchange = new SimulatedExchange({
    ...cfg.exchange,
    answerToneMs: cfg.modem.answerToneMs,
    log: (l) => log.push(l),
    chains: resolveExchangeChains(cfg.exchange),
    createCodec: (s) => createCodecStage(s),
  });
  const modem = new Modem({ port, line: exchange, clock: new FrameClock('fast'), log: (l) => log.push(l), stateDir: join(dir, 'state') });
  const term = await Terminal.open(join(dir, 'modem'));
  t.teardown(async () => {
    if (process.env.RIG_LOG) console.error(log.join('\n'));
    await term.close();
    modem.close();
    port.close();
  });
  return { term, modem, log };
}

test('ATDT5551200:umts-amr: CONNECT, echo through CVSD, AMR-NB and G.711; ATI7, the panel and ATI6 name the chain', async (t) => {
  const { term, modem, log } = await cellularRig(t);
  const calls: CallRecord[] = [];
  modem.events.on('call-end', (r) => calls.push(r));
  await term.write('AT+MS=V22\r');
  await term.waitFor('OK\r\n');
  await term.write('ATDT5551200:umts-amr\r');
  t.regex(await term.waitFor(/CONNECT \d+\r\n/, 60000), /CONNECT 1200\r\n$/);
  await term.waitFor(ECHO_BANNER, 30000);
  t.truthy(log.find((l) => /exchange: call to 5551200 → modem via umts-amr: cvsd > amr-nb 12\.2\/15s 7\.95\/15s 12\.2 > g711a/.test(l)));
  t.regex(modem.currentCall?.chain ?? '', /^umts-amr: /, '/api/status (the panel) shows it');
  const r = mulberry32(19);
  let payload = '';
  while (payload.length < 300) payload += String.fromCharCode(32 + Math.floor(r() * 95));
  await term.write(payload);
  t.is(await term.waitFor(payload.slice(-30), 60000), payload);
  await new Promise((r) => setTimeout(r, 1100));
  await term.write('+++');
  await term.waitFor('OK\r\n', 5000);
  await term.write('ATI7\r');
  t.regex(await term.waitFor('OK\r\n'), /Channel {14}umts-amr: cvsd > amr-nb/);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n');
  await term.write('ATI6\r');
  t.regex(await term.waitFor('OK\r\n'), /Channel {14}umts-amr: cvsd > amr-nb 12\.2\/15s 7\.95\/15s 12\.2 > g711a/);
  t.regex(calls.at(-1)?.chain ?? '', /^umts-amr: /);
});

test('ATD with an unknown preset is an ERROR and places no call; a call without a suffix crosses no chain', async (t) => {
  const { term, modem, log } = await cellularRig(t);
  await term.write('ATDT5551000:lte\r');
  t.regex(await term.waitFor(/ERROR\r\n/), /ERROR/);
  t.false(log.some((l) => l.startsWith('exchange: call')));
  await term.write('ATDT5551000\r');
  await term.waitFor(/CONNECT 300\r\n/, 60000);
  t.is(modem.currentCall?.chain, null);
});
