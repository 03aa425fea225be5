import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { carrierFromText } from './carrier.ts';
import { S_DEFAULTS, S_STORED } from './s-registers.ts';

/**
 * Command options that a profile holds, with the values each accepts and its factory value.
 * Single letters are basic commands (E1, X4…); "&C" and the like are the ampersand set.
 */
export const OPTIONS = {
  E: { values: [0, 1], factory: 1 }, // command echo
  V: { values: [0, 1], factory: 1 }, // verbal result codes
  Q: { values: [0, 1], factory: 0 }, // quiet: no result codes
  X: { values: [0, 1, 2, 3, 4], factory: 4 }, // result code set, dial tone and busy detection
  M: { values: [0, 1, 2, 3], factory: 1 }, // speaker control
  L: { values: [0, 1, 2, 3], factory: 2 }, // speaker volume
  B: { values: [0, 1], factory: 0 }, // 0: CCITT (V.21/V.22), 1: Bell (103/212A) at 300/1200; automode's answer (automode-pump.ts)
  N: { values: [0, 1], factory: 1 }, // automode
  Y: { values: [0, 1], factory: 0 }, // long space disconnect
  W: { values: [0, 1, 2], factory: 0 }, // negotiation progress reports
  '&C': { values: [0, 1], factory: 1 }, // DCD: 0 always on, 1 follows the carrier
  '&D': { values: [0, 1, 2, 3], factory: 2 }, // DTR off: 0 ignored, 1 command mode, 2 hang up, 3 reset
  '&G': { values: [0, 1, 2], factory: 0 }, // guard tone
  '&J': { values: [0, 1], factory: 0 }, // RJ-11 / RJ-41S jack
  '&K': { values: [0, 3, 4], factory: 3 }, // flow control: none, RTS/CTS, XON/XOFF
  '&L': { values: [0, 1], factory: 0 }, // dial-up / leased line
  '&M': { values: [0], factory: 0 }, // asynchronous mode
  '&P': { values: [0, 1], factory: 0 }, // pulse make/break ratio (US / UK)
  '&Q': { values: [0, 5, 6], factory: 0 }, // 0/6 normal, 5 V.42 error control (firmware-app/error-control.ts)
  '&R': { values: [0, 1], factory: 0 }, // CTS: 0 follows RTS (and flow), 1 on
  '&S': { values: [0, 1], factory: 0 }, // DSR: 0 always on, 1 per V.25 (on in data mode)
  '&X': { values: [0], factory: 0 }, // synchronous clock source (async only: 0)
} as const satisfies Record<string, { values: readonly number[]; factory: number }>;

export type OptionName = keyof typeof OPTIONS;
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

export interface Profile {
  options: Record<OptionName, number>;
  regs: Record<string, number>;
  /** The +MS setting as AT+MS? shows it ("V22B,1,300,2400"); absent in files from before it was stored. */
  carrier?: string;
}

/** The factory +MS of a 2400 modem: automode, V.22bis down to V.21/Bell 103 (modem.modulation may choose another). */
export const FACTORY_CARRIER = 'V22B,1,300,2400';

/** What the state directory holds: two stored profiles, which one loads at power-up, four stored numbers. */
export interface StoredState {
  version: 1;
  powerUp: 0 | 1;
  profiles: [Profile, Profile];
  numbers: [string, string, string, string];
}

export const STORED_NUMBERS = 4;
const NUMBER_RE = /^[0-9A-Za-z*#+,!@ ()._:"[\]-]{0,64}$/; // digits and modifiers, or a host (dial-string.ts)

export function factoryProfile(carrier = FACTORY_CARRIER): Profile {
  const options = {} as Record<OptionName, number>;
  for (const k of OPTION_NAMES) options[k] = OPTIONS[k].factory;
  const regs: Record<string, number> = {};
  for (const n of S_STORED) regs[n] = S_DEFAULTS[n];
  return { options, regs, carrier };
}

export function factoryState(carrier = FACTORY_CARRIER): StoredState {
  return { version: 1, powerUp: 0, profiles: [factoryProfile(carrier), factoryProfile(carrier)], numbers: ['', '', '', ''] };
}

export function validNumber(s: unknown): s is string {
  return typeof s === 'string' && NUMBER_RE.test(s);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why `p` is not a valid profile, or null when it is. */
export function profileProblem(p: unknown): string | null {
  if (!isRecord(p) || !isRecord(p.options) || !isRecord(p.regs)) return 'not a profile';
  for (const k of Object.keys(p)) if (!['options', 'regs', 'carrier'].includes(k)) return `unknown field ${k}`;
  if (p.carrier !== undefined && !carrierFromText(p.carrier)) return `carrier ${String(p.carrier)}`;
  for (const k of Object.keys(p.options)) if (!Object.hasOwn(OPTIONS, k)) return `unknown option ${k}`;
  for (const k of OPTION_NAMES) {
    const v = p.options[k];
    if (typeof v !== 'number' || !(OPTIONS[k].values as readonly number[]).includes(v)) return `option ${k}: ${String(v)}`;
  }
  for (const k of Object.keys(p.regs)) if (!S_STORED.includes(Number(k))) return `register S${k} is not stored`;
  for (const n of S_STORED) {
    const v = p.regs[n];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) return `S${n}: ${String(v)}`;
  }
  return null;
}

/** Why `s` is not a valid stored state, or null when it is. */
export function stateProblem(s: unknown): string | null {
  if (!isRecord(s)) return 'not an object';
  if (s.version !== 1) return `version ${String(s.version)}`;
  if (s.powerUp !== 0 && s.powerUp !== 1) return `powerUp ${String(s.powerUp)}`;
  if (!Array.isArray(s.profiles) || s.profiles.length !== 2) return 'profiles';
  for (const p of s.profiles as unknown[]) {
    const why = profileProblem(p);
    if (why) return `profile: ${why}`;
  }
  if (!Array.isArray(s.numbers) || s.numbers.length !== STORED_NUMBERS || !s.numbers.every(validNumber)) return 'numbers';
  return null;
}

function copy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Stored profiles and numbers (&W, &Y, &Z), kept in `<stateDir>/profiles.json`. Every change is written whole and
 * atomically (temporary file, fsync, rename, fsync of the directory), so a power cut leaves the old or the new file,
 * never half of one. A missing or corrupt file means factory settings, with a warning in the log.
 * With no directory the store lives in memory only.
 */
export class ProfileStore {
  private data: StoredState;
  readonly path: string | null;

  /** `factoryCarrier`: the +MS that AT&F restores and that profiles stored without one take (modem.modulation). */
  constructor(
    readonly dir: string | null,
    private readonly log: (line: string) => void = () => {},
    readonly factoryCarrier = FACTORY_CARRIER,
  ) {
    this.data = factoryState(factoryCarrier);
    this.path = dir === null ? null : join(dir, 'profiles.json');
    this.load();
  }

  /** The factory profile (AT&F), with this modem's factory +MS. */
  factory(): Profile {
    return factoryProfile(this.factoryCarrier);
  }

  get state(): Readonly<StoredState> {
    return this.data;
  }

  /** Stored profile n; one stored before +MS was kept has the factory +MS. */
  profile(n: 0 | 1): Profile {
    return { carrier: this.factoryCarrier, ...copy(this.data.profiles[n]) };
  }

  number(n: number): string {
    return this.data.numbers[n] ?? '';
  }

  load(): void {
    this.data = factoryState(this.factoryCarrier);
    if (!this.path) return;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.log(`profiles: ${this.path} ${code === 'ENOENT' ? 'not found' : `unreadable (${code})`}: factory settings`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.log(`profiles: warning: ${this.path} is not valid JSON: factory settings`);
      return;
    }
    const why = stateProblem(parsed);
    if (why) {
      this.log(`profiles: warning: ${this.path} is corrupt (${why}): factory settings`);
      return;
    }
    this.data = parsed as StoredState;
  }

  /** &W: store a profile. False when the state directory cannot be written (the old file stays). */
  storeProfile(n: 0 | 1, p: Profile): boolean {
    if (profileProblem(p)) return false;
    return this.commit({ ...this.data, profiles: n === 0 ? [copy(p), this.data.profiles[1]] : [this.data.profiles[0], copy(p)] });
  }

  /** &Y: the profile loaded at power-up and by ATZ without a number. */
  setPowerUp(n: 0 | 1): boolean {
    return this.commit({ ...this.data, powerUp: n });
  }

  /** &Zn=: store a dial string. */
  storeNumber(n: number, dial: string): boolean {
    if (n < 0 || n >= STORED_NUMBERS || !validNumber(dial)) return false;
    const numbers = [...this.data.numbers] as StoredState['numbers'];
    numbers[n] = dial;
    return this.commit({ ...this.data, numbers });
  }

  private commit(next: StoredState): boolean {
    if (this.path && this.dir && !this.write(next)) return false;
    this.data = next;
    return true;
  }

  private write(next: StoredState): boolean {
    const tmp = `${this.path}.tmp-${process.pid}`;
    try {
      mkdirSync(this.dir!, { recursive: true });
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(next, null, 1)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path!);
      const dirFd = openSync(this.dir!, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
      return true;
    } catch (err) {
      this.log(`profiles: cannot write ${this.path}: ${(err as Error).message}`);
      try {
        unlinkSync(tmp);
      } catch {
        // nothing left behind
      }
      return false;
    }
  }
}
