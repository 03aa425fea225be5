import { SerialPort } from 'serialport';

/** A terminal program's view of a DTE port: open the PTY like picocom would, write, and wait for text. */
export class Terminal {
  buffer = '';
  private readonly port: SerialPort;

  private constructor(path: string) {
    this.port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    this.port.on('data', (d: Buffer) => (this.buffer += d.toString('latin1')));
  }

  static async open(path: string): Promise<Terminal> {
    const t = new Terminal(path);
    await new Promise<void>((res, rej) => t.port.open((err) => (err ? rej(err) : res())));
    return t;
  }

  async write(data: string | Uint8Array): Promise<void> {
    await new Promise<void>((res, rej) => this.port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (err) => (err ? rej(err) : res())));
    await new Promise<void>((res) => this.port.drain(() => res()));
  }

  /** Wait until the buffer matches; returns the buffer up to and including the match, and consumes it. */
  async waitFor(pattern: RegExp | string, timeoutMs = 60000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const idx = typeof pattern === 'string' ? this.buffer.indexOf(pattern) : this.buffer.search(pattern);
      if (idx >= 0) {
        const len = typeof pattern === 'string' ? pattern.length : (this.buffer.slice(idx).match(pattern)?.[0].length ?? 0);
        const out = this.buffer.slice(0, idx + len);
        this.buffer = this.buffer.slice(idx + len);
        return out;
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${String(pattern)}; have ${JSON.stringify(this.buffer.slice(-300))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((res) => this.port.close(() => res()));
  }
}
