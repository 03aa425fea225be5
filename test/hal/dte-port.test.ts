/**
 * One contract for every DTE port backend: the pseudo-terminal (the simulated twin), the UART backend through
 * serialport on a real pseudo-terminal pair made by socat, and the TCP backend with a raw TCP client.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import tty from 'node:tty';
import type { DtePort } from '../../hal/serial/dte-port.ts';
import { PTY_QUEUE_CAPACITY, PtyPort } from '../../hal/serial/pty-port.ts';
import { SerialPortDte } from '../../hal/serial/serialport-port.ts';
import { TcpDtePort } from '../../hal/serial/tcp-port.ts';
import { openTerminal } from '../helpers/daemon.ts';
import type { Terminal } from '../helpers/daemon.ts';
import { randomBytes } from '../helpers/random.ts';
import { socatPair, tcpTerminal } from './serial-peers.ts';

interface Pair {
  port: DtePort;
  peer: Terminal;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const backends: Record<string, (t: ExecutionContext) => Promise<Pair>> = {
  pty: async (t) => {
    const port = new PtyPort();
    const peer = await openTerminal(port.name);
    t.teardown(async () => {
      await peer.close();
      port.close();
    });
    return { port, peer };
  },
  'serialport on a socat pty pair': async (t) => {
    const pair = await socatPair();
    const port = await SerialPortDte.open({ path: pair.a, baudRate: 19200, rtscts: false });
    const peer = await openTerminal(pair.b);
    t.teardown(async () => {
      await peer.close();
      port.close();
      await pair.stop();
    });
    return { port, peer };
  },
  tcp: async (t) => {
    const port = await TcpDtePort.listen({ host: '127.0.0.1', port: 0 });
    const peer = await tcpTerminal(port.port);
    t.teardown(async () => {
      await peer.close();
      port.close();
    });
    return { port, peer };
  },
};

/** Collect what the port receives. */
function sink(port: DtePort): { bytes: () => Buffer; until: (n: number, ms?: number) => Promise<Buffer> } {
  const chunks: Buffer[] = [];
  let total = 0;
  port.onData((d) => {
    chunks.push(Buffer.from(d));
    total += d.length;
  });
  const bytes = (): Buffer => Buffer.concat(chunks);
  return {
    bytes,
    async until(n, ms = 20_000) {
      const t0 = Date.now();
      while (total < n) {
        if (Date.now() - t0 > ms) throw new Error(`port received ${total} of ${n} bytes`);
        await sleep(5);
      }
      return bytes();
    },
  };
}

for (const [name, make] of Object.entries(backends)) {
  test.serial(`DTE port contract (${name}): 64 KiB each way intact and in order`, async (t) => {
    const { port, peer } = await make(t);
    const got = sink(port);
    const up = Buffer.from(randomBytes(65536, 1));
    const down = Buffer.from(randomBytes(65536, 2));
    const writing = peer.write(up);
    // 1 KiB a turn of the event loop, as DteFlow writes, and stop at false until 'drain'.
    let i = 0;
    let waiting = false;
    port.onDrain(() => (waiting = false));
    while (i < down.length) {
      if (!waiting) {
        waiting = !port.write(down.subarray(i, i + 1024));
        i += 1024;
      }
      await new Promise((r) => setImmediate(r));
    }
    await writing;
    t.true((await got.until(up.length)).equals(up), 'peer → modem');
    t.true((await peer.take(down.length, 20_000)).equals(down), 'modem → peer');
  });

  test.serial(`DTE port contract (${name}): pause() holds the peer back without losing a byte, resume() delivers`, async (t) => {
    const { port, peer } = await make(t);
    const got = sink(port);
    port.pause();
    // More than the buffers between the two ends hold: a pty pair's few KiB, socat's, or TCP's megabytes.
    const data = Buffer.from(randomBytes(name === 'tcp' ? 24 << 20 : 200_000, 3));
    let done = false;
    const writing = peer.write(data).then(() => (done = true));
    await sleep(300);
    t.is(got.bytes().length, 0, 'nothing delivered while paused');
    t.false(done, 'the peer is held back (its writes wait)');
    port.resume();
    await writing;
    t.true((await got.until(data.length)).equals(data));
  });
}

test.serial('serialport: AT+IPR-style speed change reaches the UART settings after queued bytes went out', async (t) => {
  const pair = await socatPair();
  t.teardown(() => pair.stop());
  const port = await SerialPortDte.open({ path: pair.a, baudRate: 19200, rtscts: true });
  t.teardown(() => port.close());
  const peer = await openTerminal(pair.b);
  t.teardown(() => peer.close());
  const stty = (): string => execFileSync('stty', ['-F', pair.a], { encoding: 'utf8' });
  t.regex(stty(), /speed 19200 baud/);
  // rtscts: true is accepted, but a pseudo-terminal keeps no CRTSCTS flag (the kernel's pty has no modem lines):
  // hardware flow control on the UART's pins is unverified here; DteFlow's pause() is what holds a DTE back (above).
  port.write('\r\nOK\r\n');
  await port.setSpeed!(2400);
  t.is(port.speed, 2400);
  t.regex(stty(), /speed 2400 baud/);
  t.is((await peer.take(6, 5000)).toString(), '\r\nOK\r\n', 'what was queued before the change arrived');
  for (const bps of [300, 115200]) {
    await port.setSpeed!(bps);
    t.regex(stty(), new RegExp(`speed ${bps} baud`));
  }
  await t.throwsAsync(port.setSpeed!(12345), { instanceOf: RangeError });
});

test.serial('tcp: one client at a time, a second one is refused clearly; connect and close are DTR on and off', async (t) => {
  const log: string[] = [];
  const port = await TcpDtePort.listen({ host: '127.0.0.1', port: 0, log: (l) => log.push(l) });
  t.teardown(() => port.close());
  const dtr: boolean[] = [];
  port.lines.onChange((c, on) => c === 'DTR' && dtr.push(on));
  t.false(port.lines.get('DTR'), 'no client: DTR off');
  const first = await tcpTerminal(port.port);
  await sleep(50);
  t.true(port.lines.get('DTR'));
  const second = await tcpTerminal(port.port);
  t.regex(await second.waitFor(/in use by 127\.0\.0\.1:\d+/, 5000), /in use/);
  await second.closed;
  port.write('still yours');
  t.is((await first.take(11, 5000)).toString(), 'still yours', 'the first client keeps the port');
  await first.close();
  await sleep(50);
  t.false(port.lines.get('DTR'), 'connection closed: DTR off');
  t.deepEqual(dtr, [true, false]);
  t.true(log.some((l) => /refused/.test(l)));
  const third = await tcpTerminal(port.port);
  await sleep(50);
  t.true(port.lines.get('DTR'), 'the port is free again');
  await third.close();
});

/** A terminal that has the port open but reads only when told to (a program that stopped reading, then went on). */
function idleTerminal(t: ExecutionContext, path: string): { read: () => void; got: () => Buffer } {
  const fd = openSync(path, 'r+');
  const stream = new tty.ReadStream(fd); // manual start: nothing is read until 'data' has a listener
  const chunks: Buffer[] = [];
  t.teardown(() => {
    stream.destroy();
    try {
      closeSync(fd);
    } catch {
      /* closed with the stream */
    }
  });
  return { read: () => stream.on('data', (c: Buffer) => chunks.push(c)), got: () => Buffer.concat(chunks) };
}

test.serial('pty: a terminal that does not read never blocks the daemon; write() says wait, drain follows its reading', async (t) => {
  const port = new PtyPort();
  t.teardown(() => port.close());
  const term = idleTerminal(t, port.name);
  let drained = 0;
  port.onDrain(() => drained++);
  const data = Buffer.from(randomBytes(48 * 1024, 4));
  // All at once, in one turn of the loop: more than the pty holds (20 KiB on Linux 6.x). A blocking write would
  // never return here.
  const answers: boolean[] = [];
  for (let i = 0; i < data.length; i += 1024) answers.push(port.write(data.subarray(i, i + 1024)));
  t.true(answers.includes(false), 'write() asked the caller to wait');
  t.true(port.pending > 0, 'bytes wait in the port');
  const ticked = await Promise.race([sleep(50).then(() => true), sleep(2000).then(() => false)]);
  t.true(ticked, 'timers still run');
  t.is(drained, 0, 'no drain while the terminal does not read');
  term.read();
  const t0 = Date.now();
  while (term.got().length < data.length && Date.now() - t0 < 10_000) await sleep(10);
  t.true(term.got().equals(data));
  t.is(drained, 1);
  t.is(port.dropped, 0);
});

test.serial('pty: beyond its 64 KiB queue the port drops what the terminal would not take, counts it and says so', async (t) => {
  const log: string[] = [];
  const port = new PtyPort(undefined, (l) => log.push(l));
  t.teardown(() => port.close());
  const term = idleTerminal(t, port.name);
  const data = Buffer.from(randomBytes(200_000, 5));
  for (let i = 0; i < data.length; i += 1000) port.write(data.subarray(i, i + 1000));
  t.is(port.pending, PTY_QUEUE_CAPACITY, 'the queue is full, no more');
  t.true(port.dropped > 0);
  t.is(log.length, 1, 'one line for the overflow');
  t.regex(log[0], /not reading.*dropped/);
  term.read();
  const kept = data.length - port.dropped;
  const t0 = Date.now();
  while (term.got().length < kept && Date.now() - t0 < 10_000) await sleep(10);
  t.true(term.got().equals(data.subarray(0, kept)), 'what fitted arrives, in order; the newest bytes were the ones dropped');
  t.is(port.pending, 0);
  t.regex(log[1], new RegExp(`reads again; ${port.dropped} characters were dropped`));
});
