/**
 * CPU cost of Dialtone's V.22, Bell 212A and V.22bis pump pairs per second of line (handshake included), interleaved
 * in one run with spandsp 0.0.6's V.22bis modem at 1200 and 2400 bit/s (test/interop/spandsp-modem.c --throughput
 * --modem v22|v22bis; spandsp has no Bell 212A, so its V.22 pair stands in): how the pairs are built is in
 * test/bench/pump-pairs.ts, how they are timed and the heap measured in test/bench/interleaved.ts.
 */
import { interleavedRows } from '../interleaved.ts';
import type { BenchCase } from '../row.ts';

const qamThroughput: BenchCase = ({ quick }) =>
  interleavedRows(['v22', 'bell212a', 'v22bis'], {
    seconds: quick ? 20 : 60,
    runs: quick ? 5 : 9,
    warmUpRuns: 2,
    heapSeconds: quick ? 200 : 1000,
  });

export default qamThroughput;
