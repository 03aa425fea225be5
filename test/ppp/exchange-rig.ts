import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../firmware-app/config.ts';
import type { NumberRoute } from '../../config/schema.ts';
import { FrameClock } from '../../firmware-app/frame-clock.ts';
import { Modem } from '../../firmware-app/modem.ts';
import { SimulatedExchange } from '../../hal/line/simulated-exchange.ts';
import { PtyPort } from '../../hal/serial/pty-port.ts';
import { Terminal } from '../helpers/terminal.ts';

/** Where cleanup goes: an ava ExecutionContext, or the bench's own list. */
export interface Teardowns {
  teardown(fn: () => unknown): void;
}

export interface ExchangeRigOptions {
  /** Added to the default numbers. */
  numbers?: Record<string, NumberRoute>;
  clock?: 'fast' | 'realtime';
  /** Open a terminal on the DTE port (false: something else, a VM, opens it). */
  open?: boolean;
  line?: { snrDb?: number; bandLimit?: boolean };
}

/** The whole modem on a real pseudo-terminal in this process, with the simulated exchange and extra numbers. */
export async function exchangeRig(t: Teardowns, opts: ExchangeRigOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-ppp-'));
  const cfg = loadConfig();
  const link = join(dir, 'modem');
  const port = new PtyPort(link);
  const log: string[] = [];
  const stamp = (l: string): void => {
    log.push(`${(performance.now() / 1000).toFixed(3)} ${l}`);
  };
  const numbers = { ...cfg.exchange.numbers, ...(opts.numbers ?? {}) };
  const exchange = new SimulatedExchange({ ...cfg.exchange, numbers, line: opts.line ?? cfg.exchange.line, answerToneMs: cfg.modem.answerToneMs, log: stamp });
  const clock = new FrameClock(opts.clock ?? 'fast');
  const modem = new Modem({ port, line: exchange, clock, log: stamp, stateDir: join(dir, 'state') });
  const term = opts.open === false ? null : await Terminal.open(link);
  t.teardown(async () => {
    if (process.env.RIG_LOG) console.error(log.join('\n'));
    await term?.close();
    modem.close();
    port.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { term, modem, log, port, exchange, clock, dir, link };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Choose the modulation (AT+MS=) and dial. */
export async function dial(term: Terminal, ms: string, number: string): Promise<void> {
  await term.write(`AT+MS=${ms}\r`);
  await term.waitFor('OK\r\n', 5000);
  await term.write(`ATDT${number}\r`);
}
