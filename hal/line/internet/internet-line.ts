/**
 * The Internet as a telephone line (PhoneLine): dialling a host name or host:port opens a TCP connection (telnet
 * or raw), and the listener (listener.ts) turns incoming connections into ringing calls. How each outcome becomes
 * a call progress, and so a result code (docs/internet.md has the table):
 *   bad address or port               → ended      → NO CARRIER, at once
 *   name service fails (DNS)          → no-dialtone → NO DIALTONE (X2, X4; else NO CARRIER)
 *   host or network unreachable       → no-answer   → NO ANSWER (X3, X4; else NO CARRIER)
 *   connection refused                → ended      → NO CARRIER, at once
 *   no answer to the SYN within S7    → ringing    → NO CARRIER (NO ANSWER with @), the modem's own timer
 *   the host closes within the answer window, saying "busy" → busy → BUSY; saying nothing of it → NO CARRIER
 *   connected and still there after the answer window → answered → CONNECT <rate>
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { Socket } from 'node:net';
import type { InternetConfig } from '../../../config/schema.ts';
import type { CallLeg, IncomingCall, PhoneLine } from '../phone-line.ts';
import { formatHostAddress, parseHostAddress } from './host-address.ts';
import type { HostAddress } from './host-address.ts';
import { InternetListener } from './listener.ts';
import { TcpCall } from './tcp-call.ts';

/** A host that hangs up within this long after answering, having said "busy", is busy (wall clock). */
export const ANSWER_WINDOW_MS = 300;
/** CONNECT's rate when nothing paces the data (a pseudo-terminal has no speed). */
export const UNPACED_CONNECT_RATE = 115200;

/** What AT#TELNET and AT#SPEED change for the calls that follow (firmware-app/internet-commands.ts). */
export interface InternetSession {
  /** Speak telnet to dialled hosts (a phone-book entry's own flag wins). */
  telnet: boolean;
  /** bit/s to pace at; null: internet.lineRate, else the DTE speed. */
  lineRate: number | null;
}

export interface InternetLineOptions {
  cfg: InternetConfig;
  session: InternetSession;
  /** The DTE port's speed (null: a port without one, such as a pseudo-terminal). */
  dteSpeed: () => number | null;
  log: (line: string) => void;
  /** Name resolution (tests give their own); resolves to the host's addresses. */
  lookup?: (host: string) => Promise<string[]>;
}

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

export class InternetLine implements PhoneLine {
  private incoming: ((call: IncomingCall) => void) | null = null;
  private listener: InternetListener | null = null;

  constructor(private readonly o: InternetLineOptions) {}

  /** The settings AT#TELNET and AT#SPEED change. */
  get session(): InternetSession {
    return this.o.session;
  }

  /** The rate the data is paced at (null: not paced) and the rate CONNECT reports. */
  rates(): { rate: number | null; connectRate: number } {
    const rate = this.o.session.lineRate ?? this.o.cfg.lineRate ?? this.o.dteSpeed();
    return { rate, connectRate: rate ?? UNPACED_CONNECT_RATE };
  }

  /** Dial `host`, `host:port` or `"host:port"` with the session's telnet setting. */
  dial(text: string): CallLeg {
    return this.call(parseHostAddress(text), this.o.session.telnet);
  }

  /** Call a host (a phone-book entry comes here with its own telnet flag). */
  call(target: HostAddress | Error, telnet: boolean): CallLeg {
    const label = target instanceof Error ? 'dial' : formatHostAddress(target);
    const { cfg, log } = this.o;
    const call = new TcpCall(
      null,
      { role: 'caller', telnet, terminalType: cfg.terminalType, columns: cfg.columns, rows: cfg.rows, ...this.rates(), label, log },
      'dialing',
    );
    if (target instanceof Error) {
      log(`internet: cannot dial: ${target.message}`);
      call.progress = 'ended';
      return call;
    }
    log(`internet: calling ${label} (${telnet ? 'telnet' : 'raw TCP'})`);
    void this.connect(call, target);
    return call;
  }

  private async connect(call: TcpCall, target: HostAddress): Promise<void> {
    const label = formatHostAddress(target);
    let addresses: string[];
    try {
      addresses = await (this.o.lookup ?? defaultLookup)(target.host);
      if (addresses.length === 0) throw Object.assign(new Error('no address'), { code: 'ENODATA' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      this.o.log(`internet: cannot resolve ${target.host}: ${code === 'ENOTFOUND' ? 'no such host (ENOTFOUND)' : `name service failed (${code})`}`);
      if (call.progress !== 'ended') call.progress = 'no-dialtone';
      return;
    }
    if (call.progress === 'ended') return; // hung up while the name was looked up
    call.progress = 'ringing';
    this.tryAddress(call, label, addresses, target.port, 0);
  }

  /** Each address the name has, in the resolver's order, until one answers (localhost may be ::1 and 127.0.0.1). */
  private tryAddress(call: TcpCall, label: string, addresses: string[], port: number, i: number): void {
    const socket = new Socket();
    call.connecting = socket;
    const address = addresses[i];
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (call.progress !== 'ringing' || call.connecting !== socket) return;
      const code = err.code ?? err.message;
      this.o.log(`internet: ${label} (${address}): ${code === 'ECONNREFUSED' ? 'connection refused' : code}`);
      if (i + 1 < addresses.length) return this.tryAddress(call, label, addresses, port, i + 1);
      call.connecting = null;
      call.progress = UNREACHABLE.has(code) ? 'no-answer' : 'ended';
    });
    socket.once('connect', () => {
      if (call.progress !== 'ringing') return void socket.destroy();
      this.o.log(`internet: ${label}: connected (${address})`);
      call.attach(socket);
      call.start();
      this.answerWindow(call, label);
    });
    socket.connect({ host: address, port });
  }

  /** The host has answered: wait a moment to see whether it hangs up at once (busy) before CONNECT. */
  private answerWindow(call: TcpCall, label: string): void {
    const decide = (): void => {
      clearTimeout(timer);
      if (call.progress !== 'ringing') return;
      if (!call.closed) return call.answered();
      const said = Buffer.concat(call.early).toString('latin1');
      const busy = /\bbusy\b/i.test(said);
      this.o.log(
        `internet: ${label} hung up at once${busy ? ', saying it is busy' : ''}${
          said.trim()
            ? `: "${said
                .trim()
                .slice(0, 80)
                .replace(/[^ -~]/g, '?')}"`
            : ''
        }`,
      );
      call.progress = busy ? 'busy' : 'ended';
      call.socket?.destroy();
    };
    const timer = setTimeout(decide, ANSWER_WINDOW_MS);
    call.onClose(decide);
  }

  onIncoming(listener: (call: IncomingCall) => void): void {
    this.incoming = listener;
  }

  /** Start the listener if the configuration enables it; resolves to its port (null when off). */
  async listen(): Promise<number | null> {
    const l = this.o.cfg.listen;
    if (!l.enabled) return null;
    const { cfg, log } = this.o;
    this.listener = new InternetListener({
      listen: l,
      call: (socket, label): TcpCall =>
        new TcpCall(
          socket,
          { role: 'answerer', telnet: l.telnet, terminalType: cfg.terminalType, columns: cfg.columns, rows: cfg.rows, ...this.rates(), label, log },
          'ringing',
        ),
      ring: (call) => (this.incoming ? this.incoming(call) : call.reject()),
      log,
    });
    return this.listener.start();
  }

  close(): void {
    this.listener?.close();
  }
}

async function defaultLookup(host: string): Promise<string[]> {
  return (await dnsLookup(host, { all: true })).map((a) => a.address);
}
