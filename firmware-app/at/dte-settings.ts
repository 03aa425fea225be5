import type { DteFormat } from './command-line.ts';

/** DTE rates offered by +IPR (V.250 §6.2.10); the UART backend accepts exactly these. */
export const IPR_RATES = [300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

/** +ICF <format>,<parity> (V.250 §6.2.11) for the three framings: 3 = 8N1; 5 = 7 bits + parity, 0 odd, 1 even. */
const ICF: Record<DteFormat, string> = { '8N1': '3,3', '7O1': '5,0', '7E1': '5,1' };

export interface DteSettingsHost {
  /** The port's DTE speed, or null when it has none (a pseudo-terminal or a socket: any speed works). */
  speed: number | null;
  /** Switch the speed after the result code has gone out at the old one; false if refused. */
  setSpeed(bps: number): boolean;
  /** Framing fixed by +ICF, or null: detected from each "AT" (+ICF=0). */
  fixedFormat: DteFormat | null;
  setFixedFormat(f: DteFormat | null): void;
}

type Answer = string[] | 'ok' | 'error';

/**
 * +IPR and +ICF. A UART cannot measure the DTE's bit time, so there is no autobaud on it (+IPR=0 is refused and the
 * speed comes from the configuration or +IPR=n); a pseudo-terminal or socket has no speed, reports +IPR: 0 and takes
 * any rate. Framing is detected from "AT" unless +ICF fixes it. Returns null for other commands.
 */
export function dteSettingCommand(body: string, h: DteSettingsHost): Answer | null {
  const m = /^(IPR|ICF)(\?|=\?|=(.*))?$/.exec(body);
  if (!m) return null;
  const [, name, op, arg] = m;
  if (name === 'IPR') {
    if (op === '?') return [`+IPR: ${h.speed ?? 0}`];
    if (op === '=?') return [`+IPR: (${h.speed === null ? '0' : ''}),(${IPR_RATES.join(',')})`];
    if (op === undefined || !/^\d+$/.test(arg)) return 'error';
    const rate = Number(arg);
    if (h.speed === null) return rate === 0 || (IPR_RATES as readonly number[]).includes(rate) ? 'ok' : 'error';
    if (!(IPR_RATES as readonly number[]).includes(rate)) return 'error';
    return h.setSpeed(rate) ? 'ok' : 'error';
  }
  if (op === '?') return [`+ICF: ${h.fixedFormat ? ICF[h.fixedFormat] : '0'}`];
  if (op === '=?') return ['+ICF: (0,3,5),(0,1)'];
  if (op === undefined) return 'error';
  const [fmt, parity] = arg.split(',').map((s) => s.trim());
  if (fmt === '0' && parity === undefined) {
    h.setFixedFormat(null);
    return 'ok';
  }
  const key = fmt === '3' ? '3,3' : `${fmt},${parity}`; // format 3 has no parity bit: its parity value is ignored
  const found = (Object.keys(ICF) as DteFormat[]).find((f) => ICF[f] === key);
  if (!found) return 'error';
  h.setFixedFormat(found);
  return 'ok';
}
