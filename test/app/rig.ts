import type { ExecutionContext } from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../firmware-app/config.ts';
import { FrameClock } from '../../firmware-app/frame-clock.ts';
import { Modem } from '../../firmware-app/modem.ts';
import { ECHO_BANNER } from '../../hal/line/builtin-modem-party.ts';
import { SimulatedExchange } from '../../hal/line/simulated-exchange.ts';
import { PtyPort } from '../../hal/serial/pty-port.ts';
import { Terminal } from '../helpers/terminal.ts';

/** The whole modem on a real pseudo-terminal, with the simulated exchange at 30 dB and a fast line clock. */
export async function rig(t: ExecutionContext, opts: { open?: boolean; line?: { snrDb?: number; bandLimit?: boolean } } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-'));
  const cfg = loadConfig();
  const port = new PtyPort(join(dir, 'modem'));
  const log: string[] = [];
  const exchange = new SimulatedExchange({ ...cfg.exchange, line: opts.line ?? cfg.exchange.line, answerToneMs: cfg.modem.answerToneMs, log: (l) => log.push(l) });
  const clock = new FrameClock('fast');
  const modem = new Modem({ port, line: exchange, clock, log: (l) => log.push(l), stateDir: join(dir, 'state') });
  const term = opts.open === false ? (null as unknown as Terminal) : await Terminal.open(join(dir, 'modem'));
  t.teardown(async () => {
    if (process.env.RIG_LOG) console.error(log.join('\n'));
    await term?.close();
    modem.close();
    port.close();
  });
  return { term, modem, log, port, exchange, clock, dir, link: join(dir, 'modem') };
}

/** Dial the V.21 echo host and wait for CONNECT and its banner. */
export async function connectEcho(term: Terminal, init = ''): Promise<void> {
  await term.write(`AT${init}DT5551000\r`);
  await term.waitFor(/CONNECT 300\r\n/);
  await term.waitFor(ECHO_BANNER);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until `cond` holds (polling), or fail after `ms`. */
export async function until(cond: () => boolean, ms = 30000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
