import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { SimulatedControlLines } from './control-lines.ts';
import type { DtePort } from './dte-port.ts';

export interface TcpDteOptions {
  host: string;
  /** 0: any free port (tests); the bound port is in `port` afterwards. */
  port: number;
  log?: (line: string) => void;
}

/**
 * The DTE port as a TCP server, for PC emulators whose serial port connects to a socket (DOSBox's `nullmodem` with
 * `transparent:1`, 86Box, QEMU's `-serial tcp:`). Raw bytes both ways, no Telnet. One client at a time: a connection
 * is the DTE raising DTR, its close drops DTR (the modem hangs up per &D); a second client is told the port is busy
 * and closed. The control lines are simulated (a socket has none).
 */
export class TcpDtePort implements DtePort {
  readonly lines = new SimulatedControlLines();
  name: string;
  private client: Socket | null = null;
  private paused = false;
  private readonly dataListeners: ((d: Uint8Array) => void)[] = [];
  private readonly drainListeners: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    private readonly log: (line: string) => void,
  ) {
    const a = server.address();
    this.name = typeof a === 'object' && a ? `tcp:${a.address}:${a.port}` : 'tcp';
    this.lines.setDte('DTR', false); // nobody connected: DTR off
    server.on('connection', (s) => this.accept(s));
    server.on('error', (err) => this.log(`tcp port: ${err.message}`));
  }

  static async listen(opts: TcpDteOptions): Promise<TcpDtePort> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((res, rej) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        rej(new Error(`cannot listen on ${opts.host}:${opts.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`)),
      );
      server.listen(opts.port, opts.host, () => res());
    });
    return new TcpDtePort(server, opts.log ?? (() => {}));
  }

  /** The TCP port bound. */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Who is connected ("127.0.0.1:51234"), or null. */
  get peer(): string | null {
    return this.client ? `${this.client.remoteAddress}:${this.client.remotePort}` : null;
  }

  onData(listener: (data: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  /** With no client the bytes go nowhere, as on a serial port with no cable. */
  write(data: Uint8Array | string): boolean {
    if (!this.client || this.client.destroyed) return true;
    return this.client.write(data);
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  pause(): void {
    this.paused = true;
    this.client?.pause();
  }

  resume(): void {
    this.paused = false;
    this.client?.resume();
  }

  close(): void {
    this.client?.destroy();
    this.server.close();
  }

  private accept(s: Socket): void {
    const who = `${s.remoteAddress}:${s.remotePort}`;
    if (this.client) {
      this.log(`tcp port: refused ${who}: in use by ${this.peer}`);
      s.end(`\r\nDialtone: this modem is in use by ${this.peer}; try again later\r\n`);
      s.on('error', () => {});
      return;
    }
    this.client = s;
    s.setNoDelay(true);
    s.on('error', () => {}); // a reset is a hang-up, reported by 'close'
    s.on('data', (d: Buffer) => {
      for (const l of this.dataListeners) l(d);
    });
    s.on('drain', () => {
      for (const l of this.drainListeners) l();
    });
    s.on('close', () => {
      if (this.client !== s) return;
      this.client = null;
      this.log(`tcp port: ${who} disconnected (DTR off)`);
      this.lines.setDte('DTR', false);
    });
    if (this.paused) s.pause();
    for (const l of this.drainListeners) l(); // a new connection can take data, whatever the last one could
    this.log(`tcp port: ${who} connected (DTR on)`);
    this.lines.setDte('DTR', true);
  }
}
