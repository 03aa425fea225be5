/**
 * Where an Internet call goes: `host`, `host:port`, `[v6 address]:port`, with or without Zimodem's double quotes.
 * Host names follow RFC 1123 §2.1 (labels of letters, digits and hyphens, at most 63 characters each and 253 in
 * all); anything else is refused here with the reason, before any name is looked up.
 */
import { isIP } from 'node:net';

export const TELNET_PORT = 23;

export interface HostAddress {
  host: string;
  port: number;
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A host name or address as RFC 1123 and RFC 4291 allow; `_` is tolerated, as resolvers do. */
export function validHost(host: string): boolean {
  if (isIP(host)) return true;
  if (host.length === 0 || host.length > 253) return false;
  return host
    .replace(/\.$/, '')
    .split('.')
    .every((l) => LABEL.test(l.replace(/_/g, 'a')));
}

/** Parse a dial target; an Error says what is wrong (for the log). */
export function parseHostAddress(text: string): HostAddress | Error {
  let s = text.trim();
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) return new Error('an opening quote without a closing one');
    s = s.slice(1, -1).trim();
  }
  if (s.length > 300) return new Error(`a host name of ${s.length} characters (at most 253)`);
  let host = s;
  let portText: string | null = null;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(s);
  if (v6) {
    host = v6[1];
    portText = v6[2] ?? null;
    if (isIP(host) !== 6) return new Error(`${host} is not an IPv6 address`);
  } else if (s.indexOf(':') !== s.lastIndexOf(':')) {
    if (isIP(s) !== 6) return new Error(`${s} is neither host:port nor an IPv6 address (write [address]:port)`);
  } else if (s.includes(':')) {
    [host, portText] = s.split(':');
  }
  if (!validHost(host)) return new Error(`"${host.slice(0, 64)}${host.length > 64 ? '…' : ''}" is not a host name (RFC 1123)`);
  let port = TELNET_PORT;
  if (portText !== null) {
    if (!/^[0-9]{1,6}$/.test(portText)) return new Error(`port "${portText.slice(0, 16)}" is not a number`);
    port = Number(portText);
    if (port < 1 || port > 65535) return new Error(`port ${port} is out of range (1-65535)`);
  }
  return { host, port };
}

/** host:port as a person writes it ([v6]:port). */
export function formatHostAddress(a: HostAddress): string {
  return `${isIP(a.host) === 6 ? `[${a.host}]` : a.host}:${a.port}`;
}
