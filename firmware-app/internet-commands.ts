/**
 * Dialtone's `#` commands for Internet calls (V.250 leaves names outside `+` to the manufacturer):
 *   AT#TELNET=1 / =0   telnet (RFC 854) or raw TCP for the host dials that follow (a phone-book entry's flag wins)
 *   AT#TELNET?         1 or 0;  AT#TELNET=? the range
 *   AT#SPEED=n         pace Internet calls at n bit/s (300-115200); 0: the configured internet.lineRate, else the DTE speed
 *   AT#SPEED?          the rate the next call is paced at (0: not paced);  AT#SPEED=? the range
 * Settings last until the daemon restarts (like AT#REC); ATZ and AT&F leave them.
 */
import type { InternetSession } from '../hal/line/internet/internet-line.ts';

export const MIN_LINE_RATE = 300;
export const MAX_LINE_RATE = 115200;

/** Information lines, true (OK), false (ERROR), or null (not one of these commands). */
export function internetCommand(body: string, session: InternetSession, pacedAt: () => number | null): string[] | boolean | null {
  const m = /^(TELNET|SPEED)(.*)$/.exec(body);
  if (!m) return null;
  const [, name, arg] = m;
  if (name === 'TELNET') {
    if (arg === '?') return [session.telnet ? '1' : '0'];
    if (arg === '=?') return ['#TELNET: (0,1)'];
    if (arg !== '=0' && arg !== '=1') return false;
    session.telnet = arg === '=1';
    return true;
  }
  if (arg === '?') return [String(pacedAt() ?? 0)];
  if (arg === '=?') return [`#SPEED: (0,${MIN_LINE_RATE}-${MAX_LINE_RATE})`];
  const n = /^=([0-9]{1,6})$/.exec(arg);
  if (!n) return false;
  const rate = Number(n[1]);
  if (rate !== 0 && (rate < MIN_LINE_RATE || rate > MAX_LINE_RATE)) return false;
  session.lineRate = rate === 0 ? null : rate;
  return true;
}
