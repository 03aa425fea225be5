/**
 * Dial-up networking through Dialtone with Debian's pppd at both ends (issue 21; test/ppp/): pppd in a qemu VM dials
 * through Dialtone's pseudo-terminal and reaches pppd in a second VM behind an exchange number (an answering modem in
 * front of socat to the VM's serial port). Rows of kind "ppp", one per modulation, error control and data:
 *   lcp_up (LCP and IPCP up), local and peer (the negotiated addresses), ping_median_ms and ping_max_ms (of `pings`
 *   pings, one a second, on the realtime clock: honest round-trip times), bytes, intact (SHA-256 of the 256 KiB file
 *   downloaded with HTTP), errors (ppp0 receive errors in the client), throughput_cps (bytes per second of line time
 *   during the download, run on the fast clock: the line many times faster than real time while the VMs run on the
 *   wall clock), line_cps (characters per second the line carries: 10-bit async characters, 8-bit LAPM octets).
 * Needs qemu-system-x86, busybox-static, ppp and socat (scripts/setup-test.sh); without them no rows, and a note why.
 */
import { figuresOf, lineCps, startPppSession } from '../../ppp/ppp-session.ts';
import type { ErrorControl, PppSessionOptions } from '../../ppp/ppp-session.ts';
import type { BenchCase, BenchRow } from '../row.ts';

type Config = { modulation: PppSessionOptions['modulation']; errorControl: ErrorControl; get: 'random.bin' | 'text.txt' };

const CONFIGS: Config[] = [
  { modulation: 'v22bis', errorControl: 'none', get: 'random.bin' },
  { modulation: 'v22bis', errorControl: 'v42', get: 'random.bin' },
  { modulation: 'v22bis', errorControl: 'v42bis', get: 'random.bin' },
  { modulation: 'v22bis', errorControl: 'v42bis', get: 'text.txt' },
  { modulation: 'v22bis', errorControl: 'none', get: 'text.txt' },
  { modulation: 'v22', errorControl: 'none', get: 'random.bin' },
  { modulation: 'v21', errorControl: 'none', get: 'random.bin' },
];

/** Run one session to its end, cleaning up after it. */
async function run(o: PppSessionOptions) {
  const cleanups: (() => unknown)[] = [];
  try {
    const s = await startPppSession({ teardown: (fn) => cleanups.push(fn) }, o);
    if (typeof s === 'string') return s;
    await s.client.waitFor(/DT-STATS|DT-NOLINK/, 4 * 3600_000);
    return figuresOf(s, o);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

const bench: BenchCase = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const pings = quick ? 10 : 50;
  for (const c of quick ? CONFIGS.slice(0, 1) : CONFIGS) {
    const base = { modulation: c.modulation, errorControl: c.errorControl };
    // The round-trip times on the realtime clock, only for the first data set of a configuration.
    const again = rows.find((r) => r.modulation === c.modulation && r.error_control === c.errorControl);
    const ping = again ? null : await run({ ...base, clock: 'realtime', pings, interval: 1 });
    if (typeof ping === 'string') {
      console.error(`45-ppp: skipped: ${ping}`);
      return rows;
    }
    const dl = await run({ ...base, clock: 'fast', pings: 1, get: c.get });
    if (typeof dl === 'string') return rows;
    rows.push({
      kind: 'ppp',
      modulation: c.modulation,
      error_control: c.errorControl,
      data: c.get === 'text.txt' ? 'text' : 'random',
      lcp_up: dl.lcpUp && (ping?.lcpUp ?? true),
      local: dl.local,
      peer: dl.peer,
      pings: ping ? ping.rttsMs.length : (again!.pings as number),
      ping_median_ms: ping ? ping.pingMedianMs : again!.ping_median_ms,
      ping_max_ms: ping ? ping.pingMaxMs : again!.ping_max_ms,
      bytes: dl.bytes,
      intact: dl.intact,
      errors: dl.errors,
      throughput_cps: dl.throughputCps,
      line_cps: lineCps(c.modulation, c.errorControl),
    });
    console.error(`45-ppp: ${JSON.stringify(rows[rows.length - 1])}`);
  }
  return rows;
};

export default bench;
