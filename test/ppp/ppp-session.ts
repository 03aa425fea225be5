/**
 * One dial-up session for the PPP tests and the bench: Dialtone (in this process, on a real pseudo-terminal) with
 * an exchange number whose answering modem is in front of `socat`, joined to a server VM's pppd; a client VM whose
 * pppd dials that number through Dialtone's DTE port with a chat script, pings the server and downloads a file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Modulation } from '../../dsp/pump-factory.ts';
import { exchangeRig } from './exchange-rig.ts';
import type { Teardowns } from './exchange-rig.ts';
import { startVm, vmImage } from './vm.ts';
import type { ConsoleLine, Vm, VmImage } from './vm.ts';

export const PPP_NUMBER = '5558000';

export type ErrorControl = 'none' | 'v42' | 'v42bis';

export interface PppSessionOptions {
  modulation: Extract<Modulation, 'v21' | 'v22' | 'v22bis'>;
  errorControl?: ErrorControl;
  clock?: 'fast' | 'realtime';
  pings?: number;
  /** Seconds between pings. */
  interval?: number;
  /** A file the server serves: random.bin or text.txt (262144 bytes each). */
  get?: string;
  /** A file the client uploads (POST to the server's sink): plus.bin, random.bin. */
  post?: string;
  /** AT commands after the modulation's (e.g. &K4 for XON/XOFF), without AT. */
  extraInit?: string;
  /** Extra pppd options, commas for spaces. */
  clientOpts?: string;
  serverOpts?: string;
  /** The server VM serves one call and powers off (its socket closes: the answering modem's program exits). */
  serverOnce?: boolean;
  /** kill: the client stops pppd when done; wait: the test ends the call. */
  end?: 'kill' | 'wait';
  /** ath: pppd's disconnect script escapes (+++ with guard time) and sends ATH0 when pppd ends. */
  hangup?: 'ath';
  line?: { snrDb?: number; bandLimit?: boolean };
  /** Instead of the server VM, this command behind the answering modem (a host that is not a PPP server). */
  hostCommand?: string;
}

const INIT: Record<PppSessionOptions['modulation'], string> = { v21: '+MS=V21', v22: '+MS=V22', v22bis: '+MS=V22B' };
const EC_INIT: Record<ErrorControl, string> = { none: '&Q0', v42: '&Q5%C0', v42bis: '&Q5%C1' };

export interface PppSession {
  image: VmImage;
  client: Vm;
  /** Null when `hostCommand` replaced the server VM. */
  server: Vm | null;
  rig: Awaited<ReturnType<typeof exchangeRig>>;
}

/** Start both VMs and let the client dial; the caller waits for what it wants on the consoles. */
export async function startPppSession(t: Teardowns, o: PppSessionOptions): Promise<PppSession | string> {
  const image = vmImage();
  if (typeof image === 'string') return image;
  const sockDir = mkdtempSync(join(tmpdir(), 'dialtone-vm-'));
  const sock = join(sockDir, 'server.sock');
  const ec = o.errorControl ?? 'none';
  const command = o.hostCommand ?? `exec socat - UNIX-CONNECT:${sock}`;
  const route = { kind: 'modem' as const, modulation: o.modulation, errorControl: ec, host: { command } };
  const rig = await exchangeRig(t, { open: false, clock: o.clock ?? 'fast', numbers: { [PPP_NUMBER]: route }, line: o.line });
  const lineMs = (): number => rig.clock.lineMs;
  let server: Vm | null = null;
  t.teardown(async () => {
    await server?.stop();
    rmSync(sockDir, { recursive: true, force: true });
  });
  if (!o.hostCommand) {
    const serverParams: Record<string, string> = {};
    if (o.serverOpts) serverParams.opts = o.serverOpts;
    if (o.serverOnce) serverParams.once = '1';
    server = startVm(image, 'server', serverParams, { kind: 'socket', path: sock }, lineMs);
    await server.waitFor(/DT-SERVER ready/, 180_000);
  }
  const params: Record<string, string | number> = { number: PPP_NUMBER, init: `${EC_INIT[ec]}${INIT[o.modulation]}`, pings: o.pings ?? 0, interval: o.interval ?? 1, end: o.end ?? 'kill' };
  if (o.get) params.get = o.get;
  if (o.hangup) params.hangup = o.hangup;
  if (o.post) params.post = o.post;
  if (o.extraInit) params.init = `${o.extraInit}${params.init}`;
  if (o.clientOpts) params.opts = o.clientOpts;
  const client = startVm(image, 'client', params, { kind: 'tty', path: rig.link }, lineMs);
  t.teardown(() => client.stop());
  return { image, client, server, rig };
}

export interface PppFigures {
  lcpUp: boolean;
  local: string | null;
  peer: string | null;
  connect: string | null;
  pingsSent: number;
  rttsMs: number[];
  pingMedianMs: number | null;
  pingMaxMs: number | null;
  bytes: number;
  intact: boolean;
  /** Bytes per second of line time (the line clock, not the wall clock), from the start of the download to its end. */
  throughputCps: number | null;
  /** ppp0's receive errors in the client (bad FCS, framing), as the kernel counts them. */
  errors: number;
}

/** Read the figures from the client's console once it has printed DT-STATS. */
export function figuresOf(session: PppSession, o: PppSessionOptions): PppFigures {
  const lines = session.client.lines;
  const find = (re: RegExp): { m: RegExpMatchArray; l: ConsoleLine } | null => {
    for (const l of lines) {
      const m = re.exec(l.text);
      if (m) return { m, l };
    }
    return null;
  };
  const ipcp = find(/DT-IPCP local=(\S+) peer=(\S+)/);
  const rtts = lines.map((l) => /DT-PING .*time=([\d.]+) ms/.exec(l.text)).filter((m) => m !== null).map((m) => Number(m![1]));
  const sorted = [...rtts].sort((a, b) => a - b);
  const start = find(/DT-GET-START/);
  const got = find(/DT-GET file=\S+ bytes=(\d+) sha256=(\w+)/);
  const stats = find(/DT-STATS (\d+) (\d+) (\d+)/);
  const bytes = got ? Number(got.m[1]) : 0;
  const lineSeconds = start && got ? (got.l.lineMs - start.l.lineMs) / 1000 : 0;
  const connect = session.rig.log.map((l) => /program host: CONNECT (\d+)/.exec(l)).find((m) => m)?.[1] ?? null;
  return {
    lcpUp: lines.some((l) => /DT-PPPD Connect: ppp0/.test(l.text)) && ipcp !== null,
    local: ipcp?.m[1] ?? null,
    peer: ipcp?.m[2] ?? null,
    connect,
    pingsSent: o.pings ?? 0,
    rttsMs: rtts,
    pingMedianMs: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null,
    pingMaxMs: sorted.length ? sorted[sorted.length - 1] : null,
    bytes,
    intact: got !== null && o.get !== undefined && got.m[2] === session.image.sha256[o.get],
    throughputCps: lineSeconds > 0 ? Math.round(bytes / lineSeconds) : null,
    errors: stats ? Number(stats.m[3]) : 0,
  };
}

/** Line rate in characters per second: async characters of 10 bits (the LAPM octets of V.42 are 8). */
export function lineCps(modulation: PppSessionOptions['modulation'], ec: ErrorControl): number {
  const bps = { v21: 300, v22: 1200, v22bis: 2400 }[modulation];
  return ec === 'none' ? bps / 10 : bps / 8;
}
