import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import type { LineModelConfig } from '../../config/schema.ts';
import type { FarParty } from './far-party.ts';
import type { CallLeg, IncomingCall } from './phone-line.ts';
import { FrameReader, frameToBuffer } from './program-party.ts';
import { SimulatedCallLeg } from './simulated-exchange.ts';

/**
 * The daemon's end of "a program calling Dialtone". A client connects to the Unix socket and sends one JSON line
 * `{"ring":{"from":"5550100"}}`; the daemon replies `{"event":"answered"}\n` when it picks up (or
 * `{"event":"rejected","reason":...}\n`) and from then on the socket carries the lock-step audio: the daemon writes
 * 320 bytes (160 S16LE samples it sent), the client writes back the 320 bytes the caller sent in that frame.
 */
export class ControlSocket {
  private readonly server: net.Server;

  constructor(
    readonly path: string,
    private readonly ring: (call: IncomingCall) => void,
    private readonly line: LineModelConfig,
    private readonly log: (line: string) => void,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) unlinkSync(path);
    this.server = net.createServer((sock) => this.accept(sock));
    this.server.on('error', (err) => log(`control socket: ${err.message}`));
    this.server.listen(path);
  }

  private accept(sock: net.Socket): void {
    let head = '';
    sock.on('error', () => {});
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const nl = head.indexOf('\n');
      if (nl < 0) {
        if (head.length > 4096) sock.destroy();
        return;
      }
      sock.off('data', onData);
      let from = 'unknown';
      try {
        const msg = JSON.parse(head.slice(0, nl)) as { ring?: { from?: string } };
        if (!msg.ring) throw new Error('expected {"ring":{...}}');
        from = String(msg.ring.from ?? 'unknown');
      } catch (err) {
        sock.end(JSON.stringify({ event: 'rejected', reason: `bad request: ${(err as Error).message}` }) + '\n');
        return;
      }
      this.log(`control: incoming call from ${from}`);
      this.ring(new SocketCall(sock, from, this.line));
    };
    sock.on('data', onData);
  }

  close(): void {
    this.server.close();
    if (existsSync(this.path)) unlinkSync(this.path);
  }
}

class SocketCall implements IncomingCall {
  abandoned = false;
  private answered = false;

  constructor(
    private readonly sock: net.Socket,
    readonly from: string,
    private readonly line: LineModelConfig,
  ) {
    sock.on('close', () => {
      if (!this.answered) this.abandoned = true;
    });
  }

  answer(): CallLeg {
    this.answered = true;
    this.sock.write(JSON.stringify({ event: 'answered' }) + '\n');
    return new SimulatedCallLeg(undefined, () => new SocketParty(this.sock), 0, this.line, true);
  }

  reject(): void {
    this.sock.end(JSON.stringify({ event: 'rejected', reason: 'not answered' }) + '\n');
  }
}

class SocketParty implements FarParty {
  private readonly reader = new FrameReader();

  constructor(private readonly sock: net.Socket) {
    sock.on('data', (c: Buffer) => this.reader.push(c));
    sock.on('close', () => this.reader.end());
    sock.on('end', () => this.reader.end());
  }

  async frame(heard: Int16Array, said: Int16Array): Promise<boolean> {
    if (this.sock.destroyed) return false;
    this.sock.write(frameToBuffer(heard));
    return this.reader.read(said);
  }

  hangup(): void {
    this.sock.end();
  }
}
