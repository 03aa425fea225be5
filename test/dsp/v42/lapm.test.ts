import test from 'ava';
import { HdlcReceiver, HdlcTransmitter } from '../../../dsp/v42/hdlc.ts';
import { Lapm } from '../../../dsp/v42/lapm.ts';
import { address, isCommand, parseFrame, S, U } from '../../../dsp/v42/lapm-frames.ts';
import { decodeXid, encodeXid, negotiate, V42_DEFAULTS } from '../../../dsp/v42/xid.ts';
import { mulberry32, randomBytes } from '../../helpers/random.ts';

/** Two LAPM ends joined by HDLC over a bit pipe of `bitsPerMs` each way, with an optional bit-error function. */
function pair(
  opts: { offerA?: Partial<typeof V42_DEFAULTS>; offerB?: Partial<typeof V42_DEFAULTS>; corrupt?: (bitIndex: number) => boolean; n400?: number } = {},
) {
  const rxA: Uint8Array[] = [];
  const rxB: Uint8Array[] = [];
  const srcA: Uint8Array[] = [];
  const srcB: Uint8Array[] = [];
  const take = (q: Uint8Array[], max: number): Uint8Array | null => {
    const f = q[0];
    if (!f) return null;
    if (f.length <= max) return q.shift()!;
    q[0] = f.subarray(max);
    return f.subarray(0, max);
  };
  const a = new Lapm({
    role: 'originator',
    offer: { ...V42_DEFAULTS, ...opts.offerA },
    source: (m) => take(srcA, m),
    sink: (d) => rxA.push(d),
    n400: opts.n400,
  });
  const b = new Lapm({
    role: 'answerer',
    offer: { ...V42_DEFAULTS, ...opts.offerB },
    source: (m) => take(srcB, m),
    sink: (d) => rxB.push(d),
    n400: opts.n400,
  });
  const txA = new HdlcTransmitter(() => a.nextFrame());
  const txB = new HdlcTransmitter(() => b.nextFrame());
  const hA = new HdlcReceiver((f) => a.receive(f));
  const hB = new HdlcReceiver((f) => b.receive(f));
  let bit = 0;
  const run = (ms: number): void => {
    for (let t = 0; t < ms; t += 20) {
      for (let k = 0; k < 48; k++) {
        // 2400 bit/s: 48 bits per 20 ms
        const bad = opts.corrupt?.(bit++) ?? false;
        hB.putBit(txA.nextBit() ^ (bad ? 1 : 0));
        hA.putBit(txB.nextBit() ^ (bad ? 1 : 0));
      }
      a.tick(20);
      b.tick(20);
    }
  };
  return { a, b, srcA, srcB, rxA, rxB, run };
}

const joined = (parts: Uint8Array[]): Buffer => Buffer.concat(parts);

/** Link up, then 30 000 octets each way for 300 s of line time. */
function transferBothWays(p: ReturnType<typeof pair>): { da: Uint8Array; db: Uint8Array } {
  p.a.start();
  p.b.start();
  const da = randomBytes(30_000, 3);
  const db = randomBytes(30_000, 4);
  p.srcA.push(da);
  p.srcB.push(db);
  p.run(300_000);
  return { da, db };
}

test('frame formats: addresses by role (C/R), control fields of I, S and U frames', (t) => {
  t.is(address('originator', true), 0x03);
  t.is(address('originator', false), 0x01);
  t.is(address('answerer', true), 0x01);
  t.is(address('answerer', false), 0x03);
  t.true(isCommand('answerer', 0x03));
  t.false(isCommand('originator', 0x03));
  const f = parseFrame('answerer', Uint8Array.of(0x03, 0x0a, 0x0b, 0x55));
  t.like(f, { kind: 'I', command: true, ns: 5, nr: 5, pf: true });
  t.like(parseFrame('answerer', Uint8Array.of(0x01, S.REJ, 0x10)), { kind: 'REJ', command: false, nr: 8, pf: false });
  t.like(parseFrame('answerer', Uint8Array.of(0x03, U.SABME | 0x10)), { kind: 'SABME', command: true, pf: true });
});

test('XID: parameters encode and decode; the smaller values and the common V.42bis directions are agreed', (t) => {
  const mine = { ...V42_DEFAULTS, p0: 3, p1: 2048, p2: 32, srej: true };
  const back = decodeXid(encodeXid(mine));
  t.deepEqual(back, mine);
  const far = { ...V42_DEFAULTS, kTx: 7, kRx: 15, n401Tx: 256, n401Rx: 64, p0: 1, p1: 1024, p2: 250 };
  t.deepEqual(negotiate(mine, far), { kTx: 15, kRx: 7, n401Tx: 64, n401Rx: 128, p0: 1, p1: 1024, p2: 32, srej: false });
  t.true(negotiate(mine, { ...far, srej: true }).srej);
  // HDLC optional functions as V.42 Table 11a numbers them: bits 2, 4, 8, 9, 12, 16 always; bit 3 (SREJ) if offered.
  const field = encodeXid(mine);
  t.deepEqual([...field.subarray(4, 9)], [0x03, 3, 0x8e, 0x89, 0x00]);
  t.deepEqual([...encodeXid(far).subarray(4, 9)], [0x03, 3, 0x8a, 0x89, 0x00]);
  // spandsp 0.0.6 sends the mandatory bits in 4 octets (0x8A890000): no SREJ
  t.false(decodeXid(Uint8Array.of(0x82, 0x80, 0x00, 0x06, 0x03, 0x04, 0x8a, 0x89, 0x00, 0x00))!.srej);
});

test('establishment: XID, SABME, UA; then data both ways, in order, acknowledged', (t) => {
  const p = pair({ offerA: { p0: 3, p1: 1024, p2: 20 } });
  p.a.start();
  p.b.start();
  p.run(1000);
  t.is(p.a.state, 'connected');
  t.is(p.b.state, 'connected');
  t.is(p.b.params.p1, 512); // the answerer offered the defaults (512): the smaller is agreed
  t.is(p.a.params.p0, 0);
  const da = randomBytes(20_000, 1);
  const db = randomBytes(15_000, 2);
  p.srcA.push(da);
  p.srcB.push(db);
  p.run(120_000);
  t.deepEqual(joined(p.rxB), Buffer.from(da));
  t.deepEqual(joined(p.rxA), Buffer.from(db));
  t.is(p.a.outstanding, 0);
  t.is(p.a.stats.retransmissions, 0);
});

test('bit errors: REJ and T401 recovery deliver every octet once, in order', (t) => {
  const r = mulberry32(5);
  // bursts: 150 bits of noise every 4800 bits (60 ms every 2 s)
  const p = pair({ corrupt: (i) => i % 4800 > 3000 && i % 4800 < 3150 && r() < 0.5 });
  const { da, db } = transferBothWays(p);
  t.deepEqual(joined(p.rxB), Buffer.from(da));
  t.deepEqual(joined(p.rxA), Buffer.from(db));
  t.true(p.a.stats.retransmissions > 0);
  t.log(`A: ${JSON.stringify(p.a.stats)}; B: ${JSON.stringify(p.b.stats)}`);
});

test('bit errors with SREJ agreed by both ends: frames after a gap are kept, the gap asked for by SREJ, every octet once', (t) => {
  const r = mulberry32(5);
  const p = pair({ offerA: { srej: true }, offerB: { srej: true }, corrupt: (i) => i % 4800 > 3000 && i % 4800 < 3150 && r() < 0.5 });
  const { da, db } = transferBothWays(p);
  t.true(p.a.params.srej && p.b.params.srej);
  t.deepEqual(joined(p.rxB), Buffer.from(da));
  t.deepEqual(joined(p.rxA), Buffer.from(db));
  t.true(p.a.stats.srejSent + p.b.stats.srejSent > 0);
  t.is(p.a.stats.rejSent + p.b.stats.rejSent, 0);
  t.log(`A: ${JSON.stringify(p.a.stats)}; B: ${JSON.stringify(p.b.stats)}`);
});

test('SREJ offered by one end only: REJ is used', (t) => {
  const p = pair({ offerA: { srej: true }, corrupt: (i) => i % 4800 > 3000 && i % 4800 < 3100 });
  p.a.start();
  p.b.start();
  const da = randomBytes(10_000, 3);
  p.srcA.push(da);
  p.run(300_000);
  t.false(p.a.params.srej || p.b.params.srej);
  t.deepEqual(joined(p.rxB), Buffer.from(da));
  t.is(p.b.stats.srejSent, 0);
  t.true(p.b.stats.rejSent > 0);
});

test('local busy: RNR holds the sender; clearing it resumes with nothing lost', (t) => {
  const p = pair();
  p.a.start();
  p.b.start();
  p.run(1000);
  const da = randomBytes(10_000, 6);
  p.srcA.push(da);
  p.run(2000);
  p.b.localBusy = true;
  p.run(10_000);
  const held = joined(p.rxB).length;
  p.run(5000);
  t.is(joined(p.rxB).length, held);
  t.true(p.a.farBusy);
  p.b.localBusy = false;
  p.run(60_000);
  t.deepEqual(joined(p.rxB), Buffer.from(da));
});

test('disconnect: DISC answered by UA; a dead far end fails the link after N400 retries', (t) => {
  const p = pair();
  p.a.start();
  p.b.start();
  p.run(1000);
  p.a.disconnect();
  p.run(2000);
  t.is(p.a.state, 'disconnected');
  t.is(p.b.state, 'disconnected');
  const q = pair({ corrupt: () => true, n400: 3 });
  q.a.start();
  q.run(10_000);
  t.is(q.a.state, 'failed');
  t.is(q.a.stats.timeouts, 4);
});
