import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, formatIssue, loadConfig } from '../config.ts';
import type { DialtoneConfig } from '../../config/schema.ts';
import { DOCTOR_CHECKS, userGroups } from './checks.ts';
import { runChecks } from './doctor.ts';
import type { DoctorContext } from './doctor.ts';

/** `dialtone doctor [--config FILE]`: exit 0 when nothing is wrong, 1 otherwise. */
export async function doctor(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
  let cfg: DialtoneConfig;
  try {
    cfg = loadConfig(values.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out('[FAIL] configuration:');
    for (const i of err.issues) out(`       ${formatIssue(i)}`);
    out('dialtone doctor: the configuration must be fixed first (dialtone config check FILE)');
    return 1;
  }
  out(
    `[ok  ] configuration: ${values.config ?? 'defaults'} is valid (serial ${cfg.serial.backend}, LEDs ${cfg.leds.backend}, control lines ${cfg.controlLines?.backend ?? 'simulated'})`,
  );
  const me = userInfo();
  const ctx: DoctorContext = {
    cfg,
    groups: userGroups(me.username, me.gid),
    uid: me.uid,
    devDir: process.env.DIALTONE_DEV_DIR ?? '/dev',
    sysfsGpio: process.env.DIALTONE_SYSFS_GPIO ?? '/sys/class/gpio',
  };
  const failures = await runChecks(DOCTOR_CHECKS, ctx, out);
  out(failures ? `dialtone doctor: ${failures} problem${failures > 1 ? 's' : ''} found` : 'dialtone doctor: everything configured is in order');
  return failures ? 1 : 0;
}
