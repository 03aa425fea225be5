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

export function connectBus(address: string | null): MessageBus {
  // dbus-next's sessionBus() takes any address; null means the system bus, where oFono lives.
  return address ? sessionBus({ busAddress: address }) : systemBus();
}

export class OfonoClient {
  constructor(readonly bus: MessageBus) {}

  private async iface(path: string, name: string): Promise<Remote> {
    const obj = await this.bus.getProxyObject(OFONO, path);
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
