/**
 * `dialtone doctor` for the Internet line: name resolution (each phone-book host, else the resolver's
 * configuration) and the listener for incoming calls (its address and port can be bound).
 */
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { DialtoneConfig } from '../../config/schema.ts';
import type { DoctorCheck, DoctorContext, Finding } from './doctor.ts';

const LOOKUP_TIMEOUT_MS = 5000;

export type Resolver = (host: string) => Promise<string>;

const systemResolver: Resolver = async (host) => (await lookup(host)).address;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), ms).unref())]);
}

/** Each phone-book host resolves; without a phone book, the resolver has a name server to ask. */
export async function resolutionFindings(ctx: DoctorContext, resolve: Resolver = systemResolver, resolvConf = '/etc/resolv.conf'): Promise<Finding[]> {
  const hosts = [...new Set(Object.values(ctx.cfg.internet.phonebook).map((e) => e.host))];
  if (hosts.length === 0) {
    let text = '';
    try {
      text = readFileSync(resolvConf, 'utf8');
    } catch {
      // no file: no name server
    }
    const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]);
    return servers.length
      ? [{ verdict: 'ok', what: `name servers ${servers.join(', ')} (${resolvConf}); host names can be dialled` }]
      : [
          {
            verdict: 'warn',
            what: `no name server in ${resolvConf}: only addresses and /etc/hosts names can be dialled`,
            fix: 'connect the network (DHCP sets the name server), or add "nameserver <address>" to /etc/resolv.conf',
          },
        ];
  }
  return Promise.all(
    hosts.map(async (host): Promise<Finding> => {
      try {
        const address = await withTimeout(resolve(host), LOOKUP_TIMEOUT_MS);
        return { verdict: 'ok', what: `${host} resolves to ${address}` };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        return {
          verdict: 'fail',
          what: `${host} (internet.phonebook) does not resolve: ${code === 'ENOTFOUND' ? 'no such host' : code}`,
          fix:
            code === 'ENOTFOUND'
              ? 'check the spelling of the host in internet.phonebook'
              : 'check the network connection and the name server in /etc/resolv.conf',
        };
      }
    }),
  );
}

/** The listener's address and port can be bound now (nothing else holds them). */
export function listenerFindings(ctx: DoctorContext): Promise<Finding[]> {
  const { address, port } = ctx.cfg.internet.listen;
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve([
        {
          verdict: 'fail',
          what: `the Internet listener cannot take calls on ${address}:${port} (${err.code ?? err.message})`,
          fix:
            err.code === 'EADDRINUSE'
              ? `stop what uses the port (ss -ltnp 'sport = :${port}') or choose internet.listen.port`
              : 'check internet.listen.address (an address of this machine)',
        },
      ]),
    );
    server.listen(port, address, () => server.close(() => resolve([{ verdict: 'ok', what: `incoming calls can be taken on ${address}:${port}` }])));
  });
}

const internetOn = (c: DialtoneConfig): boolean => c.internet.enabled || c.line.backend === 'internet';

export const INTERNET_CHECKS: DoctorCheck[] = [
  { name: 'internet', applies: internetOn, run: (ctx) => resolutionFindings(ctx) },
  { name: 'internet', applies: (c) => internetOn(c) && c.internet.listen.enabled, run: listenerFindings },
];
