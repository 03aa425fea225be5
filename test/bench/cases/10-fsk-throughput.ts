/**
 * CPU cost of Dialtone's FSK modem pairs (V.21, Bell 103, V.23, Bell 202) per second of line, interleaved in one run
 * with spandsp 0.0.6's pairs (test/interop/spandsp-modem.c --throughput): how the pairs are built is in
 * test/bench/pump-pairs.ts, how they are timed and the heap measured in test/bench/interleaved.ts.
 */
import { interleavedRows } from '../interleaved.ts';
import type { BenchCase } from '../row.ts';

const fskThroughput: BenchCase = ({ quick }) =>
  interleavedRows(['v21', 'bell103', 'v23', 'bell202'], {
    seconds: quick ? 20 : 120,
    runs: quick ? 5 : 9,
    warmUpRuns: 3,
    heapSeconds: quick ? 200 : 1000,
  });

export default fskThroughput;
