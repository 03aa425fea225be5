import { spawn } from 'node:child_process';
import net from 'node:net';

/**
 * `dialtone ring`: call a running daemon from a program that speaks lock-step audio (see docs/contracts.md, "A program
 * calling Dialtone"). With a command, it is started once the daemon answers and its stdin/stdout carry the audio; with
 * --stdio, this process's own stdin/stdout do (so an exchange route can bridge two daemons).
 */
export async function ring(opts: { socket: string; from: string; command?: string; stdio: boolean; log: (l: string) => void }): Promise<number> {
  const sock = net.createConnection(opts.socket);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', (e) => reject(new Error(`cannot reach the daemon at ${opts.socket}: ${e.message}`)));
  });
  sock.write(JSON.stringify({ ring: { from: opts.from } }) + '\n');
  let head = Buffer.alloc(0);
  const answered = await new Promise<Buffer | null>((resolve) => {
    const onData = (c: Buffer): void => {
      head = Buffer.concat([head, c]);
      const nl = head.indexOf(10);
      if (nl < 0) return;
      sock.off('data', onData);
      const msg = JSON.parse(head.subarray(0, nl).toString()) as { event: string; reason?: string };
      if (msg.event === 'answered') resolve(head.subarray(nl + 1));
      else {
        opts.log(`dialtone ring: ${msg.event}${msg.reason ? `: ${msg.reason}` : ''}`);
        resolve(null);
      }
    };
    sock.on('data', onData);
    sock.once('close', () => resolve(null));
  });
  if (!answered) {
    sock.destroy();
    return 1;
  }
  sock.pause();
  if (opts.stdio || !opts.command) {
    if (answered.length) process.stdout.write(answered);
    sock.pipe(process.stdout);
    process.stdin.pipe(sock);
    await new Promise<void>((r) => {
      sock.once('close', r);
      process.stdin.once('end', () => {
        sock.end();
        r();
      });
    });
    sock.destroy();
    return 0;
  }
  const child = spawn(opts.command, { shell: true, stdio: ['pipe', 'pipe', 'inherit'] });
  if (answered.length) child.stdin.write(answered);
  child.stdin.on('error', () => {});
  sock.pipe(child.stdin);
  child.stdout.pipe(sock);
  sock.resume();
  const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? 0)));
  sock.end();
  return code;
}
