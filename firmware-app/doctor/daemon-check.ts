import { daemonLocks, lockHolder, stateDirectory } from '../service/daemon-lock.ts';
import type { DoctorCheck, DoctorContext, Finding } from './doctor.ts';

/**
 * `dialtone doctor`: is a daemon already running with this configuration's state directory, DTE port or control
 * socket? That is normal for the appliance's own service, and why a second daemon started now would be refused.
 */
function daemonFindings(ctx: DoctorContext): Finding[] {
  const stateDir = ctx.stateDir ?? stateDirectory();
  const held = daemonLocks({ stateDir, serial: ctx.cfg.serial, socket: ctx.cfg.control.socket })
    .map((l) => ({ ...l, pid: lockHolder(l.path) }))
    .filter((l): l is typeof l & { pid: number } => l.pid !== null);
  if (held.length === 0) return [{ verdict: 'ok', what: `no Dialtone daemon is running with state directory ${stateDir}` }];
  return held.map((l) => ({
    verdict: 'warn',
    what: `a Dialtone daemon is running (PID ${l.pid}) and holds ${l.what}: a second daemon with this configuration would be refused`,
    fix: `fine if it is the service (systemctl status dialtone); otherwise stop it (kill ${l.pid}) or give the new one its own STATE_DIRECTORY, --link and --socket`,
  }));
}

export const DAEMON_CHECK: DoctorCheck = { name: 'daemon', applies: () => true, run: daemonFindings };
