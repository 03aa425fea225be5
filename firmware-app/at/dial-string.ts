import { PRESET_NAMES } from '../../config/chain.ts';

/**
 * The dial string of ATD, parsed and validated. Only the digits, `*`, `#` and `+` ever reach the telephone
 * backend: the modifiers become timing and behaviour here, and any other character makes the command an ERROR,
 * so nothing typed after ATD can be smuggled into a phone's own AT interface.
 */
export interface DialPlan {
  /** What the telephone backend dials: [0-9*#+] only. */
  digits: string;
  pulse: boolean; // P (last of T/P wins)
  /** Line time to spend before the call is placed: commas (S8 each) and hook flashes. */
  pauseMs: number;
  waitDialTone: boolean; // W
  flashes: number; // !
  quietAnswer: boolean; // @: wait for five seconds of silence; NO ANSWER when ringback never stops
  returnToCommand: boolean; // ; at the end: dial, then back to command mode with OK
  /** A host to call over the Internet instead of digits (hostDial): `host`, `host:port`, or `"host:port"` quoted. */
  host?: string;
  /**
   * `:name` at the end (before a `;`): the simulated exchange's channel preset for this call (config/chain.ts),
   * e.g. ATDT5552400:umts-amr. Not `#`, which is a DTMF digit, nor any Hayes modifier (T P W , ; ! @ L S=).
   */
  preset: string | null;
}

/** The dial suffix: `:` and a preset name, then at most a `;`. */
const PRESET_SUFFIX = /:\s*([A-Za-z0-9-]+)\s*(;?)\s*$/;
/** What may stand before the suffix: a telephone number with its dial modifiers (no host name: no dot, no letter but those). */
const TELEPHONE_NUMBER = /^[\s0-9*#+TPW,!@()-]*$/i;

/** How the dial string refers to another one: L (last number), S=n (stored number n). */
export type DialReference = { kind: 'last' } | { kind: 'stored'; index: number };

const FLASH_MS = 500; // a hook flash, as on most exchanges
const IGNORED = ' ()-'; // punctuation people write in numbers; a Hayes modem skips it

/** ATDL, ATDS, ATDS=n (optionally after T or P, optionally with a trailing `;`), or null. */
export function dialReference(text: string): { ref: DialReference; returnToCommand: boolean } | null {
  const m = /^[TP]?(L|S(?:=?([0-9]))?)(;?)$/i.exec(text.replace(/ /g, ''));
  if (!m) return null;
  const returnToCommand = m[3] === ';';
  if (m[1].toUpperCase() === 'L') return { ref: { kind: 'last' }, returnToCommand };
  return { ref: { kind: 'stored', index: m[2] === undefined ? 0 : Number(m[2]) }, returnToCommand };
}

const HOST_CHARS = /^[A-Za-z0-9._:[\]-]+$/;

/**
 * The host in a dial string, if it names one: after the dial method (a leading T or P, as always on a Hayes
 * modem), a double-quoted string (Zimodem's form, for names whose letters are also dial modifiers), or text of
 * host-name characters with a dot or a colon in it (bbs.example.org, 10.0.0.5, localhost:2323): a single-label
 * name without a port ("localhost") is quoted, so that ATDR555 stays an error and never a host. Undefined: not a
 * host (telephone digits); null: a malformed one (ERROR). Quoted hosts keep their quotes for the line (routed-line.ts).
 */
export function hostDial(text: string): string | null | undefined {
  const rest = text.trim().replace(/^[TP]\s*/i, '');
  if (rest.startsWith('"')) {
    const body = rest.slice(1, rest.endsWith('"') && rest.length > 1 ? -1 : undefined).trim();
    return rest.length > 1 && rest.endsWith('"') && HOST_CHARS.test(body) ? `"${body}"` : null;
  }
  if (!HOST_CHARS.test(rest) || !/[.:]/.test(rest)) return undefined;
  return rest;
}

/** Parse a dial string (no L or S references); null when it holds anything not allowed. */
export function parseDialString(text: string, commaPauseS: number): DialPlan | null {
  let preset: string | null = null;
  const suffix = PRESET_SUFFIX.exec(text);
  // `:name` after a telephone number: a preset, or an ERROR if it names none. After a host name it is the host's
  // port (hostDial); a preset's name is never a port, so ATDT5552400:umts-amr is never a host.
  if (suffix && TELEPHONE_NUMBER.test(text.slice(0, suffix.index))) {
    const name = suffix[1].toLowerCase();
    if ((PRESET_NAMES as readonly string[]).includes(name)) {
      preset = name;
      text = text.slice(0, suffix.index) + suffix[2];
    } else if (!/^[0-9]+$/.test(name)) return null; // an unknown preset is an ERROR
  }
  const plan: DialPlan = { digits: '', pulse: false, pauseMs: 0, waitDialTone: false, flashes: 0, quietAnswer: false, returnToCommand: false, preset };
  const host = hostDial(text);
  if (host === null) return null;
  if (host !== undefined) return { ...plan, host };
  for (let i = 0; i < text.length; i++) {
    const c = text[i].toUpperCase();
    if (plan.returnToCommand) {
      if (c !== ' ') return null; // `;` ends the dial string
      continue;
    }
    if ((c >= '0' && c <= '9') || c === '*' || c === '#' || c === '+') plan.digits += c;
    else if (c === 'T' || c === 'P') plan.pulse = c === 'P';
    else if (c === ',') plan.pauseMs += commaPauseS * 1000;
    else if (c === 'W') plan.waitDialTone = true;
    else if (c === '!') {
      plan.flashes++;
      plan.pauseMs += FLASH_MS;
    } else if (c === '@') plan.quietAnswer = true;
    else if (c === ';') plan.returnToCommand = true;
    else if (!IGNORED.includes(c)) return null;
  }
  if (plan.digits.length > 40) return null;
  return plan;
}
