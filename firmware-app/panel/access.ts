/**
 * Who may talk to the panel, beyond its password (auth.ts):
 * - `Host` must name an address the panel serves (DNS rebinding: a page from evil.example whose name is re-pointed
 *   at 127.0.0.1 reaches the panel with `Host: evil.example:8023`, and is answered 421);
 * - `Origin`, when a browser sends one (every POST from a page), must be the panel's own on state-changing requests;
 * - failed passwords slow down per client address: FREE_FAILURES at once, then each further failure doubles the
 *   time before the next attempt is looked at (answered 429 with Retry-After meanwhile), up to MAX_DELAY_MS.
 */
import { hostname, networkInterfaces } from 'node:os';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '']);

const bracket = (a: string): string => (a.includes(':') && !a.startsWith('[') ? `[${a}]` : a);

/** The `host:port` values a browser sends for the addresses the panel listens on. */
export function servedHosts(listen: string, port: number): Set<string> {
  const names = new Set<string>(LOOPBACK_NAMES);
  names.add(bracket(listen).toLowerCase());
  if (WILDCARD.has(listen)) {
    // Listening everywhere: every address of this machine, and its name.
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(bracket(i.address.split('%')[0]).toLowerCase());
    const h = hostname().toLowerCase();
    names.add(h);
    names.add(`${h}.local`);
  }
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n); // the default port may be left out
  }
  return out;
}

export function hostAllowed(host: string | undefined, served: ReadonlySet<string>): boolean {
  return host !== undefined && served.has(host.toLowerCase());
}

/** A state-changing request's Origin: absent (not a browser page) or the panel's own. */
export function originAllowed(origin: string | undefined, served: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  const m = /^http:\/\/([^/]+)$/i.exec(origin);
  return m !== null && served.has(m[1].toLowerCase());
}

const FREE_FAILURES = 10;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;
/** A client's record is forgotten this long after its last failure. */
const FORGET_MS = 15 * 60_000;
const MAX_CLIENTS = 1024;

interface Failures {
  count: number;
  last: number;
  nextAttempt: number;
}

/** Failed password attempts per client address. */
export class PasswordThrottle {
  private readonly clients = new Map<string, Failures>();

  constructor(private readonly now: () => number = Date.now) {}

  /** ms until this client's next attempt is looked at; 0: now. */
  waitMs(client: string): number {
    const f = this.clients.get(client);
    if (!f) return 0;
    const t = this.now();
    if (t - f.last > FORGET_MS) {
      this.clients.delete(client);
      return 0;
    }
    return Math.max(0, f.nextAttempt - t);
  }

  failed(client: string): void {
    const t = this.now();
    const f = this.clients.get(client) ?? { count: 0, last: t, nextAttempt: t };
    f.count++;
    f.last = t;
    const over = f.count - FREE_FAILURES;
    f.nextAttempt = over > 0 ? t + Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (over - 1)) : t;
    this.clients.delete(client); // re-inserted last: the Map's order is the eviction order
    this.clients.set(client, f);
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
  }

  succeeded(client: string): void {
    this.clients.delete(client);
  }
}
