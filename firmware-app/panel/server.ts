/**
 * The panel's HTTP server: the page (built from TypeScript at start-up), a JSON API and a server-sent event
 * stream. Every response carries a Content-Security-Policy that allows only the panel's own script and style (no
 * inline code, nothing from elsewhere), so text that came from a caller or the DTE can never run as script; the
 * page also only ever sets it as text. With a password configured every request needs it (HTTP Basic); changes
 * (recording on/off, hang up) are refused unless panel.allowChanges is true, and need a JSON body from the same
 * origin (a cross-site form cannot send one).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { hostAllowed, originAllowed, PasswordThrottle, servedHosts } from './access.ts';
import { authorised, passwordFromRequest } from './auth.ts';
import type { PanelAssets } from './build.ts';
import type { CallLog } from './call-log.ts';
import type { LiveFeed } from './live-feed.ts';
import { callsForViewer, snapshotForViewer } from './privacy.ts';
import type { NumberPrivacy } from './privacy.ts';
import { RECORDING_NAME } from './recorder.ts';

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface PanelActions {
  setRecording(on: boolean): void;
  hangup(): void;
}

export interface PanelServerOptions {
  /** The page's files (built on first use). */
  assets: () => Promise<PanelAssets>;
  feed: LiveFeed;
  calls: CallLog;
  /** The effective configuration (secrets removed) and the configuration file's validation messages now. */
  config: () => { effective: unknown; file: string | null; messages: string[] };
  recordingsDir: string;
  password: string | null | undefined;
  allowChanges: boolean;
  actions: PanelActions;
  /** Whether dialled and calling numbers are shown (mqtt.publishNumbers), and the routes that classify them. */
  privacy: NumberPrivacy;
  log: (line: string) => void;
}

const MAX_BODY = 1024;
/** Viewers at once: each costs a snapshot four times a second; more are told to come back later. */
const MAX_STREAMS = 8;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

export class PanelServer {
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly throttle = new PasswordThrottle();
  /** The `host:port` names the panel answers to, known once it listens. */
  private served: ReadonlySet<string> = new Set();

  constructor(private readonly o: PanelServerOptions) {
    this.server = createServer((req, res) => {
      try {
        this.handle(req, res);
      } catch (err) {
        o.log(`panel: ${req.method} ${req.url}: ${(err as Error).message}`);
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
        else res.destroy();
      }
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Listen; resolves with the address actually bound (port 0: any free port). */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address() as AddressInfo;
        this.served = servedHosts(host, addr.port);
        resolve(addr);
      });
    });
  }

  close(): void {
    for (const s of this.streams) s.end();
    this.server.close();
    this.server.closeAllConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (!hostAllowed(req.headers.host, this.served)) {
      // Not a name this panel serves: a DNS-rebinding page, or a proxy that should not be here (RFC 9110 §15.5.20).
      return send(res, 421, 'text/plain; charset=utf-8', 'Dialtone panel: not served under this Host name\n');
    }
    if (!this.passwordOk(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://panel.invalid');
    if (req.method === 'POST') return this.change(req, res, url.pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    switch (url.pathname) {
      case '/':
        return this.asset(res, 'text/html', (a) => a.html);
      case '/app.js':
        return this.asset(res, 'text/javascript', (a) => a.js);
      case '/style.css':
        return this.asset(res, 'text/css', (a) => a.css);
      case '/api/status':
        return json(res, 200, snapshotForViewer(this.o.feed.snapshot(), this.o.privacy));
      case '/api/calls':
        return json(res, 200, callsForViewer(this.o.calls.all, this.o.privacy));
      case '/api/config':
        return json(res, 200, { ...this.o.config(), allowChanges: this.o.allowChanges });
      case '/api/events':
        return this.events(req, res);
    }
    // Recording names are letters, digits, '-' and '.' only (RECORDING_NAME): no decoding, no path to escape.
    const rec = /^\/recordings\/([^/]+)$/.exec(url.pathname);
    if (rec) return this.recording(res, rec[1]);
    json(res, 404, { error: 'not found' });
  }

  /** The password check, slowed down per client after failures; false when the response has been sent. */
  private passwordOk(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.o.password) return true;
    const client = req.socket.remoteAddress ?? '?';
    const wait = this.throttle.waitMs(client);
    if (wait > 0) {
      send(res, 429, 'text/plain; charset=utf-8', 'Dialtone panel: too many wrong passwords; wait\n', { 'Retry-After': String(Math.ceil(wait / 1000)) });
      return false;
    }
    if (authorised(req, this.o.password)) {
      this.throttle.succeeded(client);
      return true;
    }
    // A request without credentials is a browser asking what to send, not a guess.
    if (passwordFromRequest(req) !== null) {
      this.throttle.failed(client);
      this.o.log(`panel: wrong password from ${client}`);
    }
    send(res, 401, 'text/plain; charset=utf-8', 'Dialtone panel: password required\n', { 'WWW-Authenticate': 'Basic realm="Dialtone", charset="UTF-8"' });
    return false;
  }

  private asset(res: ServerResponse, type: string, pick: (a: PanelAssets) => string): void {
    this.o.assets().then(
      (a) => send(res, 200, `${type}; charset=utf-8`, pick(a)),
      (err: unknown) => {
        this.o.log(`panel: building the page failed: ${(err as Error).message}`);
        json(res, 500, { error: 'the panel page could not be built (see the daemon log)' });
      },
    );
  }

  /** Server-sent events: one `snapshot` event every LiveFeed period, and `call` when a call ends. */
  private events(req: IncomingMessage, res: ServerResponse): void {
    if (this.streams.size >= MAX_STREAMS) return json(res, 503, { error: `${MAX_STREAMS} viewers already; try again later` });
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    let callsSeen = this.o.calls.version;
    const unsubscribe = this.o.feed.subscribe((s) => {
      // A slow viewer is skipped rather than buffered without bound.
      if (res.writableLength > 256 * 1024) return;
      res.write(`event: snapshot\ndata: ${JSON.stringify(snapshotForViewer(s, this.o.privacy))}\n\n`);
      if (this.o.calls.version !== callsSeen) {
        callsSeen = this.o.calls.version;
        res.write(`event: calls\ndata: ${JSON.stringify(callsForViewer(this.o.calls.all, this.o.privacy))}\n\n`);
      }
    });
    const done = (): void => {
      unsubscribe();
      this.streams.delete(res);
    };
    req.on('close', done);
    res.on('error', done);
  }

  private recording(res: ServerResponse, name: string): void {
    if (!RECORDING_NAME.test(name)) return json(res, 404, { error: 'no such recording' });
    const path = join(this.o.recordingsDir, name);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return json(res, 404, { error: 'no such recording' });
    }
    res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': size, 'Content-Disposition': `attachment; filename="${name}"` });
    createReadStream(path).pipe(res);
  }

  private change(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (!this.o.allowChanges) return json(res, 403, { error: 'the panel is read-only (panel.allowChanges is false)' });
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '') || !originAllowed(req.headers.origin, this.served)) {
      return json(res, 403, { error: 'changes need a JSON request from the panel itself' });
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      let data: { on?: unknown };
      try {
        data = JSON.parse(body || '{}') as { on?: unknown };
      } catch {
        return json(res, 400, { error: 'a JSON body' });
      }
      if (path === '/api/recording' && typeof data.on === 'boolean') {
        this.o.actions.setRecording(data.on);
        return json(res, 200, { recording: data.on });
      }
      if (path === '/api/hangup') {
        this.o.actions.hangup();
        return json(res, 200, { ok: true });
      }
      json(res, 404, { error: 'not found' });
    });
  }
}
