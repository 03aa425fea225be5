/**
 * `dialtone doctor`: checks the configured devices and permissions and says what is wrong and how to fix it. Each
 * check is a function in DOCTOR_CHECKS (checks.ts); other parts (audio, Bluetooth) add theirs to that list.
 */
import type { DialtoneConfig } from '../../config/schema.ts';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Finding {
  verdict: Verdict;
  /** What was checked and found ("/dev/serial0 → /dev/ttyAMA0 (PL011), readable and writable"). */
  what: string;
  /** How to fix it, for warn and fail. */
  fix?: string;
}

/** What a check may look at; tests point the paths at scratch directories. */
export interface DoctorContext {
  cfg: DialtoneConfig;
  /** Group names of the user running the check (from /etc/group, or given by a test). */
  groups: string[];
  uid: number;
  devDir: string;
  sysfsGpio: string;
  /** The daemon's state directory (where its lock is); default STATE_DIRECTORY or ./state. */
  stateDir?: string;
}

export interface DoctorCheck {
  /** Short heading: "serial", "gpio", "audio". */
  name: string;
  /** Whether the check applies to this configuration. */
  applies(cfg: DialtoneConfig): boolean;
  run(ctx: DoctorContext): Promise<Finding[]> | Finding[];
}

const MARK: Record<Verdict, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** Run the checks, print one line per finding (and its fix), return the number of failures. */
export async function runChecks(checks: readonly DoctorCheck[], ctx: DoctorContext, out: (line: string) => void): Promise<number> {
  let failures = 0;
  for (const check of checks) {
    if (!check.applies(ctx.cfg)) continue;
    let findings: Finding[];
    try {
      findings = await check.run(ctx);
    } catch (err) {
      findings = [{ verdict: 'fail', what: `the check itself failed: ${(err as Error).message}` }];
    }
    for (const f of findings) {
      out(`[${MARK[f.verdict]}] ${check.name}: ${f.what}`);
      if (f.fix && f.verdict !== 'ok') out(`       fix: ${f.fix}`);
      if (f.verdict === 'fail') failures++;
    }
  }
  return failures;
}
