import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { Aedes } from 'aedes';

/** A running embedded broker: where telemetry (and a dashboard on the same machine) connects. */
export interface EmbeddedBroker {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The broker the daemon runs itself when telemetry is on and no broker is configured (mqtt.url null), so a
 * simulation or a Pi without a home server still has somewhere to publish. aedes is an MQTT 3.1.1/5 broker in
 * JavaScript; it shares the daemon's event loop, and its load is a few messages a second.
 *
 * Never fatal: a port already taken (say, by a mosquitto on the same machine) returns null with a message saying
 * what to do, and the modem runs on without telemetry.
 */
export async function startEmbeddedBroker(listen: string, port: number, log: (line: string) => void): Promise<EmbeddedBroker | null> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    server.once('error', resolve);
    server.listen(port, listen, () => resolve(null));
  });
  if (err) {
    broker.close();
    const hint = err.code === 'EADDRINUSE' ? `: another broker may be running there; set mqtt.url to use it, or mqtt.broker.port to move` : '';
    log(`telemetry: embedded broker cannot listen on ${listen}:${port} (${err.code ?? err.message})${hint}; telemetry off`);
    return null;
  }
  server.on('error', (e) => log(`telemetry: embedded broker: ${e.message}`));
  const bound = (server.address() as { port: number }).port;
  const host = listen.includes(':') ? `[${listen}]` : listen;
  return { url: `mqtt://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`, close: () => closeAll(server, broker) };
}

async function closeAll(server: Server, broker: Aedes): Promise<void> {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
