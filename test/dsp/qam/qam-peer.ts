/**
 * Dialtone's V.22bis data pump as a lock-step program (the exchange's external-program contract, DESIGN.md): per
 * 20 ms frame, 160 S16LE samples in on stdin, 160 out on stdout, until EOF. Used to join Dialtone to the spandsp peer.
 *
 *   node --import tsx test/dsp/qam/qam-peer.ts --role caller|answerer [--max-rate 1200|2400] [--send FILE]
 *        [--recv FILE] [--expect N] [--prbs N] [--v42]
 *
 * --v42: V.42 (LAPM, V.42bis) over the pump, required (no fallback), as a Dialtone caller with &Q5 would offer it.
 *
 * stderr: state changes, "RATE r" at exit, and with --prbs "BER {json}" (the O.150 PRBS, as spandsp-modem.c does).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { V22bisDataPump } from '../../../dsp/qam/v22bis-pump.ts';
import { V42DataPump } from '../../../dsp/v42/v42-pump.ts';
import { BerChecker, Prbs15 } from '../../bench/fsk-ber.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const role = opt('--role') === 'answerer' ? 'answerer' : 'caller';
const modem = new V22bisDataPump(role, { maxRate: opt('--max-rate') === '1200' ? 1200 : 2400 });
const pump = args.includes('--v42') ? new V42DataPump(modem, { errorControl: 'required', compression: true }) : modem;
const send = opt('--send') ? readFileSync(opt('--send')!) : new Uint8Array(0);
const recvPath = opt('--recv');
const expect = Number(opt('--expect') ?? -1);
const prbs = Number(opt('--prbs') ?? 0);
const received: number[] = [];
const checker = new BerChecker(prbs);
const gen = new Prbs15();
let prbsSent = 0;
let queued = false;
let frame = 0;
let doneFrames = -1;
let lastState = '';

if (prbs > 0) {
  // PRBS mode: the pump's framer is bypassed; bits go straight to the scrambler and come straight out of the
  // descrambler (V22bisDataPump.syncData).
  modem.syncData = {
    nextBit: () => (prbsSent++ < prbs ? gen.next() : 1),
    putBit: (b: number) => checker.putBit(b),
  };
}

const input = new Uint8Array(320);
let have = 0;
const out = new Int16Array(160);
const rx = new Int16Array(160);

function finish(): void {
  if (recvPath) writeFileSync(recvPath, Uint8Array.from(received));
  process.stderr.write(`RATE ${pump.state === 'connected' || received.length > 0 ? pump.connectRate : 0}\n`);
  if (prbs > 0) process.stderr.write(`BER ${JSON.stringify(checker.result())}\n`);
}

process.stdin.on('data', (chunk: Buffer) => {
  let off = 0;
  while (off < chunk.length) {
    const n = Math.min(320 - have, chunk.length - off);
    input.set(chunk.subarray(off, off + n), have);
    have += n;
    off += n;
    if (have < 320) break;
    have = 0;
    for (let i = 0; i < 160; i++) rx[i] = ((input[2 * i] | (input[2 * i + 1] << 8)) << 16) >> 16;
    step();
  }
});
process.stdin.on('end', () => {
  finish();
  process.exit(0);
});

function step(): void {
  pump.process(rx, out);
  frame++;
  if (pump.state !== lastState) {
    process.stderr.write(`${(frame / 50).toFixed(2)} s ${pump.state}${pump.state === 'connected' ? ` ${pump.connectRate}` : ''}\n`);
    lastState = pump.state;
  }
  if (pump.state === 'connected' && !queued) {
    pump.tx.queue.write(send);
    queued = true;
  }
  received.push(...pump.rx.take());
  process.stdout.write(Buffer.from(out.buffer.slice(0)));
  const sentAll = queued && !pump.tx.busy && (prbs === 0 || prbsSent > prbs + 64);
  if (doneFrames < 0 && sentAll && (expect < 0 || received.length >= expect) && (expect >= 0 || prbs > 0)) doneFrames = frame;
  if (pump.state === 'carrier-lost' || (doneFrames >= 0 && frame - doneFrames > 50)) {
    finish();
    process.exit(0);
  }
}
if (process.env.QAM_TRACE) {
  setInterval(() => {}, 1 << 30).unref();
  const p = modem as unknown as { sb1Bits: number; usb1Run: number; demod: { mseDb: number; adapt: string; carrier: boolean } };
  const orig = modem.process.bind(modem);
  modem.process = (r: Int16Array, t: Int16Array): void => {
    orig(r, t);
    if (frame % 5 === 0)
      process.stderr.write(
        `  ${(frame / 50).toFixed(2)} sb1 ${p.sb1Bits} usb1 ${p.usb1Run} mse ${p.demod.mseDb.toFixed(1)} ${p.demod.adapt} ${p.demod.carrier}\n`,
      );
  };
}
