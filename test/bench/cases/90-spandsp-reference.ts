/**
 * Reference figures from spandsp 0.0.6 (an independent implementation, see test/interop/spandsp-modem.c):
 * CPU cost of a full-duplex pair of its FSK modems, both modulators and both demodulators, per second of line.
 * BER rows with our channel models in between come from another case.
 */
import type { BenchCase, BenchRow } from '../row.ts';
import { SPANDSP_FAMILIES, spandspThroughput } from '../../interop/spandsp.ts';

const spandspReference: BenchCase = async ({ quick }) => {
  const seconds = quick ? 10 : 60;
  const rows: BenchRow[] = [];
  for (const modulation of SPANDSP_FAMILIES) {
    const r = await spandspThroughput(modulation, seconds);
    rows.push({
      kind: 'throughput',
      modulation,
      implementation: 'spandsp',
      x_realtime: r.x_realtime,
      seconds_line: r.seconds_line,
    });
  }
  return rows;
};

export default spandspReference;
