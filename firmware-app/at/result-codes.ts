/** Hayes result codes: verbal text and numeric code. */
export type ResultCode = 'OK' | 'CONNECT' | 'RING' | 'NO CARRIER' | 'ERROR' | 'NO DIALTONE' | 'BUSY' | 'NO ANSWER';

/** Result codes that end a command line (RING is unsolicited). */
export const FINAL_CODES: readonly ResultCode[] = ['OK', 'CONNECT', 'NO CARRIER', 'ERROR', 'NO DIALTONE', 'BUSY', 'NO ANSWER'];

const NUMERIC: Record<ResultCode, number> = {
  OK: 0,
  CONNECT: 1,
  RING: 2,
  'NO CARRIER': 3,
  ERROR: 4,
  'NO DIALTONE': 6,
  BUSY: 7,
  'NO ANSWER': 8,
};

// Numeric codes of CONNECT at each rate (Hayes Smartmodem 2400 set); 300 bit/s is plain CONNECT (1).
const CONNECT_NUMERIC: Record<number, number> = { 300: 1, 1200: 5, 2400: 10 };

export interface ResultSettings {
  verbose: boolean; // V1
  quiet: boolean; // Q1
  level: number; // X0–X4
  cr: number; // S3
  lf: number; // S4
}

/**
 * What each X level reports, as in the Smartmodem 2400 manual: X0 codes 0–4 (CONNECT without rate);
 * X1 adds CONNECT rates; X2 adds NO DIALTONE; X3 adds BUSY and NO ANSWER but not NO DIALTONE; X4 all.
 * A code the level does not report becomes NO CARRIER.
 */
export function codeAtLevel(code: ResultCode, level: number): ResultCode {
  if (code === 'NO DIALTONE') return level === 2 || level === 4 ? code : 'NO CARRIER';
  if (code === 'BUSY' || code === 'NO ANSWER') return level >= 3 ? code : 'NO CARRIER';
  return code;
}

/** Format a result code as the DTE sees it, or '' when Q1 suppresses it. */
export function formatResult(code: ResultCode, s: ResultSettings, rate?: number, suffix = ''): string {
  if (s.quiet) return '';
  const cr = String.fromCharCode(s.cr);
  const lf = String.fromCharCode(s.lf);
  const c = codeAtLevel(code, s.level);
  const withRate = c === 'CONNECT' && rate !== undefined && s.level > 0;
  if (s.verbose) return `${cr}${lf}${withRate ? `CONNECT ${rate}${suffix}` : c}${cr}${lf}`;
  const n = withRate ? (CONNECT_NUMERIC[rate] ?? 1) : NUMERIC[c];
  return `${n}${cr}`;
}
