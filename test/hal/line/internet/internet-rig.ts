/**
 * The modem on a real pseudo-terminal with the Internet line beside the simulated exchange (as the shipped
 * defaults have it), on the fast clock; and small TCP hosts on 127.0.0.1 for it to call. Only loopback is dialled.
 */
import type { ExecutionContext } from 'ava';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../../firmware-app/config.ts';
import { FrameClock } from '../../../../firmware-app/frame-clock.ts';
import { internetCommand } from '../../../../firmware-app/internet-commands.ts';
import { Modem } from '../../../../firmware-app/modem.ts';
import { InternetLine } from '../../../../hal/line/internet/internet-line.ts';
import type { InternetSession } from '../../../../hal/line/internet/internet-line.ts';
import { RoutedLine } from '../../../../hal/line/internet/routed-line.ts';
import { SimulatedExchange } from '../../../../hal/line/simulated-exchange.ts';
import { PtyPort } from '../../../../hal/serial/pty-port.ts';
import { Terminal } from '../../../helpers/terminal.ts';

export interface RigOptions {
  /** Overlaid on the default configuration (internet.*, exchange.*). */
  config?: Record<string, unknown>;
  /** Name resolution; default: the system's (only "localhost" and addresses are used). */
  lookup?: (host: string) => Promise<string[]>;
}

export async function internetRig(t: ExecutionContext, o: RigOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-internet-'));
  const cfg = loadConfig(undefined, o.config ?? {});
  const log: string[] = [];
  const say = (l: string): void => void log.push(l);
  const port = new PtyPort(join(dir, 'modem'));
  const exchange = new SimulatedExchange({ ...cfg.exchange, answerToneMs: cfg.modem.answerToneMs, log: say });
  const session: InternetSession = { telnet: cfg.internet.telnet, lineRate: null };
  const internet = new InternetLine({ cfg: cfg.internet, session, dteSpeed: () => null, log: say, lookup: o.lookup });
  const listenPort = await internet.listen();
  const line = new RoutedLine(exchange, internet, cfg.internet.phonebook, say);
  const modem = new Modem({
    port,
    line,
    clock: new FrameClock('fast'),
    log: say,
    stateDir: join(dir, 'state'),
    commands: (body) => internetCommand(body, session, () => internet.rates().rate),
  });
  const term = await Terminal.open(join(dir, 'modem'));
  t.teardown(async () => {
    if (process.env.RIG_LOG) console.error(log.join('\n'));
    await term.close();
    modem.close();
    port.close();
    line.close();
  });
  const waitLog = async (re: RegExp, ms = 10_000): Promise<string> => {
    const t0 = Date.now();
    for (;;) {
      const hit = log.find((l) => re.test(l));
      if (hit) return hit;
      if (Date.now() - t0 > ms) throw new Error(`no log line matching ${String(re)}:\n${log.join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { modem, term, log, waitLog, internet, listenPort, dir, session };
}

/** A TCP host on 127.0.0.1: `onCall` gets each connection. Closed on teardown. */
export async function tcpHost(t: ExecutionContext, onCall: (socket: Socket) => void): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    onCall(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, server, sockets };
}

/** An echo host that greets first. */
export const echoHost =
  (greeting = 'hello from the host\r\n') =>
  (s: Socket) => {
    s.write(greeting);
    s.on('data', (d) => s.write(d));
  };

/** A port on 127.0.0.1 nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
