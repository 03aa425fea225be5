import { sessionBus, systemBus, Variant } from '@jellybrick/dbus-next';
import type { MessageBus, ProxyInterface } from '@jellybrick/dbus-next';

/** A proxy whose methods and signals are made from introspection at run time. */
export type Remote = ProxyInterface;

/** Calls a method of a proxy by name. */
export function invoke(remote: Remote, method: string, ...args: unknown[]): Promise<unknown> {
  const fn = (remote as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`${remote.$name} has no method ${method}`));
  return fn.apply(remote, args);
}

/** Follows a signal of a proxy with typed arguments. */
export function listen<A extends unknown[]>(remote: Remote, signal: string, fn: (...args: A) => void): void {
  remote.on(signal, fn as unknown as (...args: unknown[]) => void);
}

/**
 * The parts of oFono's D-Bus API (doc/manager-api.txt, modem-api.txt, voicecallmanager-api.txt, voicecall-api.txt,
 * handsfree-api.txt in oFono's tree) that a hands-free unit needs, as typed calls. oFono's BlueZ 5 HFP plugin makes
 * one "hfp" modem per paired phone that offers the Audio Gateway role.
 */
export const OFONO = 'org.ofono';

export type OfonoCallState = 'active' | 'held' | 'dialing' | 'alerting' | 'incoming' | 'waiting' | 'disconnected';

export interface OfonoModem {
  path: string;
  name: string;
  type: string;
  online: boolean;
  interfaces: string[];
}

type Props = Record<string, { value: unknown }>;

/** Plain values of an a{sv} dictionary as dbus-next hands it over (each value a Variant). */
export function plain(props: Props): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) out[k] = v && typeof v === 'object' && 'value' in v ? v.value : v;
  return out;
}

/** Time allowed for a D-Bus connection to say Hello (a socket that accepts and then says nothing). */
const CONNECT_TIMEOUT_MS = 3000;

function describeBus(address: string | null): string {
  return address ? `D-Bus at ${address}` : `the system D-Bus (${process.env.DBUS_SYSTEM_BUS_ADDRESS || 'unix:path=/var/run/dbus/system_bus_socket'})`;
}

/**
 * Connects to a D-Bus: null means the system bus, where oFono lives. Resolves once the bus has answered Hello;
 * rejects with what went wrong (no socket, refused, no answer). dbus-next reports a failed or lost connection only
 * as an 'error' event, which nobody listening turns into a crash: the bus returned here always has a listener, and a
 * bus that goes away later (dbus-daemon stopped, the socket closed) is reported once through `onLost`.
 */
export function openBus(address: string | null, onLost: (why: string) => void = () => {}, timeoutMs = CONNECT_TIMEOUT_MS): Promise<MessageBus> {
  const bus = address ? sessionBus({ busAddress: address }) : systemBus();
  const what = describeBus(address);
  return new Promise((resolve, reject) => {
    let up = false;
    let lost = false;
    const gone = (why: string): void => {
      if (!up) {
        clearTimeout(timer);
        bus.disconnect();
        reject(new Error(`cannot reach ${what}: ${why}`));
        return;
      }
      if (lost) return;
      lost = true;
      bus.disconnect();
      onLost(`${what} went away (${why})`);
    };
    const timer = setTimeout(() => gone(`no answer in ${timeoutMs} ms`), timeoutMs);
    (bus as unknown as NodeJS.EventEmitter).on('error', (err: Error) => gone(err.message));
    // The connection's end of stream is not passed on by MessageBus: follow it on the connection itself.
    const conn = (bus as unknown as { _connection?: { on(e: string, f: () => void): void } })._connection;
    conn?.on('end', () => gone('connection closed'));
    bus.once('connect', () => {
      clearTimeout(timer);
      up = true;
      resolve(bus);
    });
  });
}

/**
 * oFono's D-Bus API through one connection, opened on first use and again after it is lost. `onLost` hears of a
 * connection that went away and of oFono leaving the bus (its name lost its owner: the service stopped).
 */
export class OfonoClient {
  private bus: Promise<MessageBus> | null = null;
  private closed = false;
  onLost: (why: string) => void = () => {};

  constructor(readonly address: string | null) {}

  /** The connection, opened if need be; rejects with a clear message when there is no bus. */
  connection(): Promise<MessageBus> {
    if (this.closed) return Promise.reject(new Error('closed'));
    if (!this.bus) {
      const opening = openBus(this.address, (why) => this.lost(opening, why)).then(async (bus) => {
        await this.followOfono(bus, opening);
        return bus;
      });
      opening.catch(() => {
        if (this.bus === opening) this.bus = null; // the next call tries again
      });
      this.bus = opening;
    }
    return this.bus;
  }

  private lost(which: Promise<MessageBus>, why: string): void {
    if (this.bus !== which) return;
    this.bus = null;
    if (!this.closed) this.onLost(why);
  }

  /** oFono stopping leaves no ModemRemoved behind: the bus's NameOwnerChanged for org.ofono says it. */
  private async followOfono(bus: MessageBus, which: Promise<MessageBus>): Promise<void> {
    const dbus = (await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus')).getInterface('org.freedesktop.DBus') as Remote;
    listen(dbus, 'NameOwnerChanged', (name: string, _old: string, owner: string) => {
      if (name === OFONO && owner === '' && this.bus === which) this.onLost('oFono left the bus (the service stopped)');
    });
  }

  /** Whether a name (org.ofono, org.bluealsa) has an owner on the bus. */
  async hasOwner(name: string): Promise<boolean> {
    const bus = await this.connection();
    const dbus = (await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus')).getInterface('org.freedesktop.DBus') as Remote;
    return (await invoke(dbus, 'NameHasOwner', name)) === true;
  }

  close(): void {
    this.closed = true;
    const bus = this.bus;
    this.bus = null;
    void bus?.then(
      (b) => b.disconnect(),
      () => {},
    );
  }

  private async iface(path: string, name: string): Promise<Remote> {
    const obj = await (await this.connection()).getProxyObject(OFONO, path);
    return obj.getInterface(name) as Remote;
  }

  async manager(): Promise<Remote> {
    return this.iface('/', 'org.ofono.Manager');
  }

  async modems(): Promise<OfonoModem[]> {
    const m = await this.manager();
    const list = (await invoke(m, 'GetModems')) as [string, Props][];
    return list.map(([path, props]) => {
      const p = plain(props);
      return { path, name: String(p.Name ?? ''), type: String(p.Type ?? ''), online: p.Online === true, interfaces: (p.Interfaces as string[]) ?? [] };
    });
  }

  async voiceCallManager(modem: string): Promise<Remote> {
    return this.iface(modem, 'org.ofono.VoiceCallManager');
  }

  async call(path: string): Promise<Remote> {
    return this.iface(path, 'org.ofono.VoiceCall');
  }

  /** AT+NREC=0: ask the phone to turn off its echo canceller and noise reduction (they wreck modem signals). */
  async disableNrec(modem: string): Promise<void> {
    const hf = await this.iface(modem, 'org.ofono.Handsfree');
    await invoke(hf, 'SetProperty', 'EchoCancelingNoiseReduction', new Variant('b', false));
  }
}
