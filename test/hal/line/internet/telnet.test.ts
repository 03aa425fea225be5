/**
 * The telnet session against its RFCs: IAC doubling (854), CR NUL in NVT mode (854), BINARY (856), the Q method's
 * loop-free negotiation (1143), TERMINAL-TYPE (1091) and NAWS (1073); and bounded behaviour on hostile input.
 */
import test from 'ava';
import { randomBytes } from '../../../helpers/random.ts';
import { MAX_SB, NEGOTIATION_BURST, TelnetSession } from '../../../../hal/line/internet/telnet.ts';
import type { TelnetConfig } from '../../../../hal/line/internet/telnet.ts';
import { BINARY, DO, DONT, ECHO, IAC, NAWS, NOP, SB, SE, SGA, TTYPE, WILL, WONT } from '../../../../hal/line/internet/telnet-options.ts';

function session(role: TelnetConfig['role'], extra: Partial<TelnetConfig> = {}) {
  const sent: number[] = [];
  const log: string[] = [];
  const s = new TelnetSession({ role, terminalType: 'ANSI', columns: 80, rows: 24, send: (b) => sent.push(...b), log: (l) => log.push(l), ...extra });
  return { s, sent, log, take: () => sent.splice(0) };
}

const bytes = (...b: number[]) => Uint8Array.from(b);

/** Two sessions joined back to back until neither has anything more to say; returns the number of exchanges. */
function converse(a: ReturnType<typeof session>, b: ReturnType<typeof session>): number {
  let turns = 0;
  for (;;) {
    const fromA = a.take();
    const fromB = b.take();
    if (fromA.length === 0 && fromB.length === 0) return turns;
    if (++turns > 50) throw new Error('negotiation did not settle');
    b.s.decode(Uint8Array.from(fromA));
    a.s.decode(Uint8Array.from(fromB));
  }
}

test('RFC 854: IAC in data is doubled on the way out and undoubled on the way in; 256 KiB of random bytes round-trip exactly in BINARY', (t) => {
  const client = session('client');
  const server = session('server');
  client.s.start();
  server.s.start();
  converse(client, server);
  t.true(client.s.enabled('us', BINARY) && client.s.enabled('him', BINARY), 'BINARY both ways (RFC 856)');
  t.deepEqual([...client.s.encode(bytes(1, IAC, 2))], [1, IAC, IAC, 2]);
  t.deepEqual([...server.s.decode(bytes(1, IAC, IAC, 2))], [1, IAC, 2]);
  const payload = randomBytes(256 * 1024, 0x7e1);
  const wire = client.s.encode(payload);
  // Split the wire at awkward places (between IAC and its double) as TCP may.
  const parts: Uint8Array[] = [];
  for (let i = 0, n = 1; i < wire.length; i += n, n = (n * 7 + 3) % 1500 || 1) parts.push(server.s.decode(wire.subarray(i, i + n)));
  const got = Buffer.concat(parts);
  t.is(got.length, payload.length);
  t.true(got.equals(Buffer.from(payload)));
});

test('RFC 854 NVT: without BINARY a bare CR goes out as CR NUL, CR LF as it is; CR NUL received is a CR', (t) => {
  const { s } = session('client');
  t.deepEqual([...s.encode(bytes(65, 13, 66))], [65, 13, 0, 66]);
  t.deepEqual([...s.encode(bytes(65, 13, 10))], [65, 13, 10]);
  t.deepEqual([...s.decode(bytes(65, 13, 0, 66))], [65, 13, 66]);
  t.deepEqual([...s.decode(bytes(13)), ...s.decode(bytes(0, 67))], [13, 67], 'CR and NUL in separate segments');
  t.deepEqual([...s.decode(bytes(13, 10))], [13, 10]);
});

test('RFC 856: once the peer sends BINARY, CR NUL is data (two bytes)', (t) => {
  const { s, take } = session('client');
  s.decode(bytes(IAC, WILL, BINARY));
  t.deepEqual(take(), [IAC, DO, BINARY]);
  t.deepEqual([...s.decode(bytes(13, 0))], [13, 0]);
});

test('RFC 1143: a request already in effect is not acknowledged; unknown options are refused once each, never looped', (t) => {
  const { s, take } = session('client');
  s.decode(bytes(IAC, WILL, ECHO));
  t.deepEqual(take(), [IAC, DO, ECHO]);
  s.decode(bytes(IAC, WILL, ECHO, IAC, WILL, ECHO));
  t.deepEqual(take(), [], 'no answer to WILL ECHO while ECHO is on');
  s.decode(bytes(IAC, DO, 39, IAC, WILL, 37));
  t.deepEqual(take(), [IAC, WONT, 39, IAC, DONT, 37]);
  s.decode(bytes(IAC, WONT, ECHO));
  t.deepEqual(take(), [IAC, DONT, ECHO]);
  t.false(s.enabled('him', ECHO));
  s.decode(bytes(IAC, WONT, ECHO));
  t.deepEqual(take(), [], 'WONT while off: nothing');
});

test('RFC 1143: our own request answered is not answered again (WANTYES → YES), a refusal leaves it off', (t) => {
  const { s, take } = session('client');
  s.start();
  t.deepEqual(take(), [IAC, WILL, BINARY, IAC, DO, BINARY, IAC, DO, SGA]);
  s.decode(bytes(IAC, DO, BINARY));
  t.deepEqual(take(), [], 'DO answers our WILL: no acknowledgement of the acknowledgement');
  t.true(s.enabled('us', BINARY));
  s.decode(bytes(IAC, DONT, BINARY));
  t.deepEqual(take(), [IAC, WONT, BINARY], 'a DONT while on is acknowledged once');
  s.decode(bytes(IAC, DONT, 24));
  t.deepEqual(take(), [], 'DONT for an option that is off: nothing');
  s.decode(bytes(IAC, WONT, SGA));
  t.deepEqual(take(), [], 'our DO SGA refused: it stays off, no answer');
  t.false(s.enabled('him', SGA));
});

test('RFC 1143: two of our sessions started together settle without a loop', (t) => {
  const a = session('client');
  const b = session('server');
  a.s.start();
  b.s.start();
  const turns = converse(a, b);
  t.true(turns <= 3, `${turns} exchanges`);
  t.true(a.s.enabled('him', ECHO), 'the server echoes');
  t.true(a.s.enabled('him', SGA) && b.s.enabled('him', SGA));
});

test('RFC 1091: TERMINAL-TYPE SEND is answered IS <type>; RFC 1073: NAWS sends 80×24 once agreed, a 255 doubled', (t) => {
  const { s, take } = session('client', { columns: 255, rows: 24 });
  s.decode(bytes(IAC, DO, TTYPE));
  t.deepEqual(take(), [IAC, WILL, TTYPE]);
  s.decode(bytes(IAC, SB, TTYPE, 1, IAC, SE));
  t.deepEqual(take(), [IAC, SB, TTYPE, 0, ...Buffer.from('ANSI'), IAC, SE]);
  s.decode(bytes(IAC, DO, NAWS));
  t.deepEqual(take(), [IAC, WILL, NAWS, IAC, SB, NAWS, 0, 255, 255, 0, 24, IAC, SE]);
});

test('server role: the peer’s terminal type is read; data around commands is kept', (t) => {
  const { s } = session('server');
  const data = s.decode(bytes(65, IAC, WILL, TTYPE, 66, IAC, SB, TTYPE, 0, ...Buffer.from('VT100'), IAC, SE, 67, IAC, NOP, 68));
  t.is(Buffer.from(data).toString(), 'ABCD');
  t.is(s.peerTerminal, 'VT100');
});

test('hostile: a subnegotiation without end is bounded and discarded; an IAC flood yields no data and no answers', (t) => {
  const { s, take, log } = session('client');
  s.decode(bytes(IAC, DO, TTYPE));
  take();
  const endless = new Uint8Array(100_000).fill(65);
  endless[0] = IAC;
  endless[1] = SB;
  endless[2] = TTYPE;
  endless[3] = 1;
  t.is(s.decode(endless).length, 0);
  t.is(s.decode(bytes(IAC, SE, 66))[0], 66);
  t.deepEqual(take(), [], 'the overlong SEND was not answered');
  t.true(log.some((l) => l.includes(`longer than ${MAX_SB}`)));
  const flood = new Uint8Array(200_000);
  for (let i = 0; i < flood.length; i += 2) flood.set([IAC, NOP], i);
  t.is(s.decode(flood).length, 0);
  t.deepEqual(take(), []);
});

test('hostile: endless renegotiation is rationed (a burst, then a few a second) and logged once', (t) => {
  let now = 0;
  const { s, take, log } = session('client', { now: () => now });
  const toggles: number[] = [];
  for (let i = 0; i < 5000; i++) toggles.push(IAC, i % 2 ? WONT : WILL, ECHO);
  s.decode(Uint8Array.from(toggles));
  const answers = take().length / 3;
  t.true(answers <= NEGOTIATION_BURST, `${answers} answers to 5000 requests`);
  t.is(log.filter((l) => l.includes('keeps negotiating')).length, 1);
  now += 1000;
  s.decode(Uint8Array.from(toggles.slice(0, 300)));
  t.true(take().length / 3 <= 21, 'about 20 a second after the burst');
  t.is(s.negotiations, 5100);
});
