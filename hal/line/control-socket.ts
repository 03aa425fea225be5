import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
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
/** rw for the owner and the group (the `dialtone` group on the appliance), nothing for others. */
export const SOCKET_MODE = 0o660;

export class ControlSocket {
  private readonly server: net.Server;
  private inode: number | null = null;

  constructor(
    readonly path: string,
    private readonly ring: (call: IncomingCall) => void,
    private readonly line: LineModelConfig,
    private readonly log: (line: string) => void,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) unlinkSync(path); // a stale socket: the daemon lock (daemon-lock.ts) says no live daemon owns it
    this.server = net.createServer((sock) => this.accept(sock));
    this.server.on('error', (err) => log(`control socket: ${err.message}`));
    // Owner and group only (the dialtone group rings the modem), whatever the umask: the socket is made with
    // the umask at 0o117 and chmod-ed to the same mode before anyone can be told it is there.
    const umask = process.umask(0o117);
    try {
      this.server.listen(path, () => {
        chmodSync(path, SOCKET_MODE);
        this.inode = statSync(path).ino;
      });
    } finally {
      process.umask(umask);
    }
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
    // Only the socket this daemon made (the same inode): never one another daemon has put there since.
    try {
      if (this.inode !== null && statSync(this.path).ino === this.inode) unlinkSync(this.path);
    } catch {
      /* already gone */
    }
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
