/**
 * Incoming Internet calls: a TCP listener whose connections ring the modem (RING, RI, caller ID = the peer's
 * address) until ATA or S0 answers or `maxRings` rings pass. One call at a time: a second caller reads the busy
 * message and is closed. Nothing a caller sends reaches the modem before the answer, and then only its data path.
 * Beyond loopback the configuration insists on a password and a rate limit (firmware-app/config.ts); both work on
 * loopback too when set.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { InternetConfig } from '../../../config/schema.ts';
import type { CallLeg, IncomingCall } from '../phone-line.ts';
import type { TcpCall } from './tcp-call.ts';

const RING_CYCLE_MS = 6000; // the modem's ring cadence (firmware-app/modem.ts), in wall time here
const PASSWORD_TIMEOUT_MS = 30_000;
const PASSWORD_MAX = 128;
const RATE_WINDOW_MS = 60_000;

export interface ListenerOptions {
  listen: InternetConfig['listen'];
  /** A call around an accepted connection (telnet or raw, per the configuration). */
  call: (socket: Socket, label: string) => TcpCall;
  /** Ring the modem. */
  ring: (call: IncomingCall) => void;
  log: (line: string) => void;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The peer's address as caller ID: IPv4 without the ::ffff: of a dual-stack socket. */
export function peerAddress(socket: Socket): string {
  return (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
}

export class InternetListener {
  private server: Server | null = null;
  private active: TcpCall | null = null;
  private recent: number[] = [];

  constructor(private readonly o: ListenerOptions) {}

  /** Listen; resolves to the port (the configured one, or the one chosen for port 0). */
  start(): Promise<number> {
    const { address, port } = this.o.listen;
    const server = createServer((socket) => this.accepted(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => {
        server.off('error', reject);
        server.on('error', (err) => this.o.log(`internet: listener: ${err.message}`));
        const bound = (server.address() as { port: number }).port;
        this.o.log(`internet: taking calls on ${address}:${bound}`);
        resolve(bound);
      });
    });
  }

  private accepted(socket: Socket): void {
    const from = peerAddress(socket);
    const label = `${from}:${socket.remotePort ?? 0}`;
    const l = this.o.listen;
    const now = Date.now();
    this.recent = this.recent.filter((t) => now - t < RATE_WINDOW_MS);
    if (l.maxPerMinute !== null && this.recent.length >= l.maxPerMinute) {
      this.o.log(`internet: call from ${label} refused: more than ${l.maxPerMinute} calls in the last minute`);
      socket.destroy();
      return;
    }
    this.recent.push(now);
    socket.on('error', () => {}); // reported by the call, if it gets that far
    const call = this.o.call(socket, label);
    call.start();
    if (this.active && !this.active.closed) {
      this.o.log(`internet: call from ${label}: busy (a call is in progress)`);
      hangUpWith(call, l.busyMessage);
      return;
    }
    this.active = call;
    call.onClose(() => {
      if (this.active === call) this.active = null;
    });
    const password = l.password;
    if (!password) return this.ring(call, from, label);
    void askPassword(call, password).then((ok) => {
      if (call.closed) return;
      if (!ok) {
        this.o.log(`internet: call from ${label}: wrong password or none given`);
        hangUpWith(call, 'Wrong password.');
        return;
      }
      this.ring(call, from, label);
    });
  }

  private ring(call: TcpCall, from: string, label: string): void {
    this.o.log(`internet: incoming call from ${label}`);
    this.o.ring(new ListenerCall(call, from, this.o.listen, this.o.log));
  }

  close(): void {
    this.server?.close();
    this.active?.hangup();
  }
}

/** Send a last line and close. */
function hangUpWith(call: TcpCall, text: string): void {
  call.endWith(text ? `${text}\r\n` : '');
}

/** Prompt for the password and read one line (at most PASSWORD_MAX characters, within PASSWORD_TIMEOUT_MS). */
function askPassword(call: TcpCall, password: string): Promise<boolean> {
  call.say('Password: ');
  return new Promise((resolve) => {
    let line = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      call.earlyListener = null;
      call.early = [];
      if (ok) call.say('\r\n');
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PASSWORD_TIMEOUT_MS);
    call.onClose(() => done(false));
    call.earlyListener = (d) => {
      for (const b of d) {
        if (b === 13 || b === 10) return done(timingSafeEqual(digest(line), digest(password)));
        if (b === 0) continue;
        line += String.fromCharCode(b);
        if (line.length > PASSWORD_MAX) return done(false);
      }
    };
  });
}

/** An incoming call as the modem sees it while it rings. */
class ListenerCall implements IncomingCall {
  private dropped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly call: TcpCall,
    readonly from: string,
    private readonly l: InternetConfig['listen'],
    private readonly log: (line: string) => void,
  ) {
    // The ring count is kept here in wall time: the modem's rings follow the line clock, which may run fast.
    this.timer = setTimeout(() => {
      if (this.dropped || call.progress === 'answered') return;
      this.dropped = true;
      log(`internet: call from ${from} not answered after ${l.maxRings} rings: dropped`);
      hangUpWith(call, 'No answer.');
    }, l.maxRings * RING_CYCLE_MS);
    this.timer.unref();
  }

  get abandoned(): boolean {
    return this.dropped || this.call.closed;
  }

  answer(): CallLeg {
    clearTimeout(this.timer);
    this.call.early = []; // what the caller typed while it rang is not the DTE's business
    this.call.answered();
    this.log(`internet: call from ${this.from} answered`);
    return this.call;
  }

  reject(): void {
    clearTimeout(this.timer);
    this.dropped = true;
    this.log(`internet: call from ${this.from}: busy (the modem is in use)`);
    hangUpWith(this.call, this.l.busyMessage);
  }
}
