/**
 * One Internet call as the modem sees it (a CallLeg): a TCP connection, telnet or raw, whose data pump is a
 * ByteLine. Its frames are silence, paced to the wall clock (a network call runs in real time even when the
 * simulation's clock runs fast), so S7, the +++ guard time, S30 and the line rate mean what they say.
 */
import type { Socket } from 'node:net';
import type { CallLeg, CallProgress } from '../phone-line.ts';
import { ByteLine } from './byte-line.ts';
import { TelnetSession } from './telnet.ts';

const FRAME_MS = 20;
/** Received before the call is answered: kept for the answer window, the rest dropped. */
const EARLY_LIMIT = 65536;

export interface TcpCallOptions {
  role: 'caller' | 'answerer';
  /** Telnet (RFC 854) or raw TCP. */
  telnet: boolean;
  terminalType: string;
  columns: number;
  rows: number;
  /** bit/s the data is paced at, null: not paced; and what CONNECT reports. */
  rate: number | null;
  connectRate: number;
  /** For the log: "bbs.example.org:23". */
  label: string;
  log: (line: string) => void;
}

export class TcpCall implements CallLeg {
  progress: CallProgress;
  readonly dataPump: ByteLine;
  readonly telnet: TelnetSession | null;
  /** The peer has closed (or the connection failed). */
  closed = false;
  /** Data received before the call was answered (the answer window; a listener's password prompt reads it). */
  early: Buffer[] = [];
  /** Takes the data received before the answer instead of `early` (a listener's password prompt). */
  earlyListener: ((data: Uint8Array) => void) | null = null;
  private earlyBytes = 0;
  private answeredYet = false;
  private nextAt = 0;
  private readonly closeListeners: Array<() => void> = [];

  /** The connection: null while an outgoing call is still being placed (`connecting` holds that attempt). */
  socket: Socket | null = null;
  /** An outgoing attempt not yet connected (destroyed by a hang-up). */
  connecting: Socket | null = null;

  constructor(
    socket: Socket | null,
    private readonly o: TcpCallOptions,
    progress: CallProgress,
  ) {
    this.progress = progress;
    this.telnet = o.telnet
      ? new TelnetSession({
          role: o.role === 'caller' ? 'client' : 'server',
          terminalType: o.terminalType,
          columns: o.columns,
          rows: o.rows,
          send: (b) => void this.socket?.write(b),
          log: o.log,
        })
      : null;
    this.dataPump = new ByteLine(o.role, this.connection(), o.rate, o.connectRate);
    if (socket) this.attach(socket);
  }

  /** The connection is established: read from it. */
  attach(socket: Socket): void {
    this.socket = socket;
    this.connecting = null;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.received(d));
    socket.on('drain', () => this.dataPump.drained());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.answeredYet && !this.closed) this.o.log(`internet: ${this.o.label}: ${err.code ?? err.message}`);
    });
    socket.on('close', () => this.peerClosed());
  }

  /** The connection is up: the telnet options go out (a telnet server waits for their answers before its banner). */
  start(): void {
    this.telnet?.start();
  }

  /** The call is answered: data flows to the modem from now on, starting with what arrived in the answer window. */
  answered(): void {
    this.answeredYet = true;
    this.progress = 'answered';
    for (const d of this.early) this.dataPump.deliver(d);
    this.early = [];
    this.earlyBytes = 0;
    if (this.closed) this.dataPump.farEndGone();
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Write to the peer outside the data path (a listener's prompt or busy message). */
  say(text: string): void {
    if (this.closed || !this.socket) return;
    const bytes = Buffer.from(text, 'latin1');
    this.socket.write(this.telnet ? this.telnet.encode(bytes) : bytes);
  }

  async frame(_tx: Int16Array, rx: Int16Array): Promise<boolean> {
    rx.fill(0);
    const now = performance.now();
    if (this.nextAt === 0 || now - this.nextAt > 200) this.nextAt = now; // after a stall, no burst to catch up
    this.nextAt += FRAME_MS;
    const wait = this.nextAt - now;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    return this.progress !== 'ended';
  }

  hangup(): void {
    this.progress = 'ended';
    this.closed = true;
    this.socket?.destroy();
    this.connecting?.destroy();
  }

  /** Close after a last line to the peer (a listener's busy message); destroyed if it lingers. */
  endWith(text: string): void {
    this.say(text);
    this.closed = true; // from now on the call is over for the listener, whatever the peer does
    this.progress = 'ended';
    this.socket?.end();
    setTimeout(() => this.socket?.destroy(), 2000).unref();
  }

  private connection() {
    return {
      write: (data: Uint8Array) => !this.closed && this.socket !== null && this.socket.write(this.telnet ? this.telnet.encode(data) : data),
      pause: () => this.socket?.pause(),
      resume: () => this.socket?.resume(),
    };
  }

  private received(raw: Buffer): void {
    const data = this.telnet ? this.telnet.decode(raw) : raw;
    if (data.length === 0) return;
    if (this.answeredYet) {
      this.dataPump.deliver(data);
      return;
    }
    if (this.earlyListener) return this.earlyListener(data);
    // Before the answer nothing reaches the modem; bounded, so a flood before the answer costs nothing.
    if (this.earlyBytes + data.length > EARLY_LIMIT) return;
    this.early.push(Buffer.from(data));
    this.earlyBytes += data.length;
  }

  private peerClosed(): void {
    const first = !this.closed;
    this.closed = true;
    if (this.answeredYet) this.dataPump.farEndGone();
    if (first && this.answeredYet) this.o.log(`internet: ${this.o.label}: the connection closed`);
    for (const l of this.closeListeners) l();
  }
}
