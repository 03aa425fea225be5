import test from 'ava';
import { mulberry32 } from '../helpers/random.ts';
import { connectEcho, rig } from './rig.ts';

// 1 MiB at 300 bit/s is 35,000 s (almost ten hours) of line time; the fast clock runs it at CPU speed, a few minutes
// (the figure is in the test log). FLOOD_BYTES=n runs a smaller flood while developing.
const BYTES = Number(process.env.FLOOD_BYTES ?? 1024 * 1024);

test('flood: the DTE writes as fast as the PTY allows through a 300 bit/s call with RTS/CTS; every byte comes back in order, memory bounded', async (t) => {
  t.timeout(4 * 3600_000);
  const { term, modem, clock, port } = await rig(t);
  await connectEcho(term, '&K3');
  const r = mulberry32(1);
  const data = Buffer.alloc(BYTES);
  for (let i = 0; i < BYTES; i++) data[i] = 32 + Math.floor(r() * 95); // printable: no XON/XOFF, no "+++" guard issue
  term.buffer = '';
  const heap0 = process.memoryUsage().heapUsed;
  let maxUp = 0;
  let maxHeap = 0;
  let ctsDrops = 0;
  const watch = setInterval(() => {
    maxUp = Math.max(maxUp, modem.flow.up.length);
    maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed - heap0);
  }, 50);
  const t0 = performance.now();
  const line0 = clock.lineMs;
  // Write in 4 KiB chunks, each waiting for the PTY to take it: the pace is set by the modem's flow control.
  const writer = (async () => {
    for (let i = 0; i < BYTES; i += 4096) await term.write(data.subarray(i, i + 4096));
  })();
  await writer;
  const writtenMs = performance.now() - t0;
  const out = await term.waitFor(data.subarray(BYTES - 64).toString('latin1'), 4 * 3600_000);
  clearInterval(watch);
  const wallS = (performance.now() - t0) / 1000;
  const lineS = (clock.lineMs - line0) / 1000;
  ctsDrops = port.lines.history.filter((e) => e.circuit === 'CTS' && !e.on).length;
  t.log(
    `${BYTES} bytes: ${wallS.toFixed(1)} s wall (${(BYTES / wallS).toFixed(0)} B/s), ${lineS.toFixed(0)} s of line time (x${(lineS / wallS).toFixed(0)} real time); DTE writes done after ${(writtenMs / 1000).toFixed(1)} s`,
  );
  t.log(`DTE buffer peak ${maxUp} B of ${modem.flow.up.capacity}; CTS dropped ${ctsDrops} times; heap growth peak ${(maxHeap / 1e6).toFixed(1)} MB`);
  t.log(`1 MiB would take about ${(((1048576 / BYTES) * wallS) / 60).toFixed(0)} min at this rate`);
  const got = Buffer.from(out + term.buffer, 'latin1');
  t.is(got.length, BYTES, 'every byte came back, none extra');
  t.true(got.equals(data), 'in order and intact');
  t.is(modem.flow.lostUp, 0);
  t.is(modem.flow.lostDown, 0);
  t.true(maxUp <= modem.flow.up.capacity);
  t.true(maxHeap < 64e6, 'memory bounded');
  if (BYTES > 32768) t.true(ctsDrops > 0, 'flow control engaged');
});
