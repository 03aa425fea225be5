import test from 'ava';
import { mixedPayload as mixed } from './v42-payload.ts';
import { runSpandspV42 } from './v42-peer.ts';

for (const role of ['caller', 'answerer'] as const) {
  test(`V.22bis + V.42 with spandsp: Dialtone as ${role}, 256 KiB each way byte-exact`, async (t) => {
    const toSpandsp = mixed(1);
    const toUs = mixed(100);
    const r = await runSpandspV42({ role, ours: { errorControl: 'required', compression: false }, toSpandsp, toUs, maxSeconds: 1500 });
    t.log(
      r.log
        .split('\n')
        .filter((l) => /CONNECT|spandsp-v42|done/.test(l))
        .join(' | '),
    );
    t.log(`line time ${r.seconds} s; ours ${JSON.stringify(r.pump.stats)}`);
    t.is(r.pump.mode, 'lapm');
    t.deepEqual(Buffer.from(r.got), Buffer.from(toUs));
    t.deepEqual(Buffer.from(r.spandspGot), Buffer.from(toSpandsp));
    t.is(r.spandspExit, 0);
  });
}

for (const role of ['caller', 'answerer'] as const) {
  test(`V.22bis + V.42 + V.42bis (P1 2048, P2 32) with spandsp: Dialtone as ${role}, 256 KiB each way byte-exact`, async (t) => {
    const toSpandsp = mixed(3);
    const toUs = mixed(300);
    // Both encoders choose their mode themselves (spandsp's V42BIS_COMPRESSION_MODE_DYNAMIC and ours): on this data
    // each changes between transparent and compressed mode at every text/random boundary, and each decoder must
    // follow the other's ESC ECM and ETM with its dictionary in step.
    const r = await runSpandspV42({
      role,
      ours: { errorControl: 'required', compression: true, p1: 2048, p2: 32 },
      spandspV42bis: { p1: 2048, p2: 32, mode: 'dynamic' },
      toSpandsp,
      toUs,
      maxSeconds: 1200,
    });
    const s = r.pump.stats;
    const bis = r.pump.v42bis;
    t.log(
      `line time ${r.seconds} s; ratio out ${(s.dteBytesOut / s.lineBytesOut).toFixed(2)}, in ${(s.dteBytesIn / s.lineBytesIn).toFixed(2)}; ` +
        `mode changes: ours ${bis?.encoder?.switches}, spandsp's followed ${bis?.decoder?.switches}`,
    );
    t.is(r.pump.mode, 'lapm');
    t.true(r.pump.compressing);
    t.is(r.pump.params.p1, 2048);
    t.true((bis?.encoder?.switches ?? 0) >= 10);
    t.true((bis?.decoder?.switches ?? 0) >= 10);
    t.is(bis?.decoder?.errors, 0);
    t.deepEqual(Buffer.from(r.got), Buffer.from(toUs));
    t.deepEqual(Buffer.from(r.spandspGot), Buffer.from(toSpandsp));
    t.is(r.spandspExit, 0);
  });
}
