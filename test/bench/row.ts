/** One benchmark figure: a flat object, as written to the JSON file (see docs/contracts.md, Benchmarks as data). */
export type BenchRow = { kind: string; modulation: string } & Record<string, string | number | boolean | null>;

/** A bench case: a module in test/bench/cases/ whose default export returns its rows. */
export type BenchCase = (opts: { quick: boolean }) => Promise<BenchRow[]>;

/** Median of a list of timings (one run is tens of ms of CPU, so single runs are noisy). */
export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}
