import { applyParity, CommandLineReader, whereCut } from './command-line.ts';
import type { DteFormat } from './command-line.ts';
import { dialReference, parseDialString } from './dial-string.ts';
import { dteSettingCommand } from './dte-settings.ts';
import type { DialPlan } from './dial-string.ts';
import { CARRIER_LIST, carrierFromText, formatCarrier, parseCarrier } from './carrier.ts';
import type { CarrierSetting } from './carrier.ts';
import { profilePage } from './pages.ts';
import { factoryProfile, OPTIONS, ProfileStore, validNumber } from './profiles.ts';
import type { OptionName, Profile } from './profiles.ts';
import type { ResultCode, ResultSettings } from './result-codes.ts';
import { FINAL_CODES, formatResult } from './result-codes.ts';
import { SRegisters } from './s-registers.ts';
import { backslashN, S46_COMPRESSION, S46_NO_COMPRESSION } from '../error-control.ts';

/** What the AT interpreter asks of the modem around it. */
export interface AtHost {
  /** Start a call (validated plan, and the dial string as typed); the host reports the outcome with `result()`. */
  dial(plan: DialPlan, dialString: string): void;
  /** Answer a ringing line (or fail with NO CARRIER). */
  answer(): void;
  /** Hang up (ATH, ATZ); synchronous. */
  hangup(): void;
  /** Return to data mode (ATO); false when there is no call to return to. */
  online(): boolean;
  /** Identification pages for ATIn, or null when n is not supported. */
  info(n: number): string[] | null;
  /** Settings changed (LEDs such as AA, control lines per &C &S &K). */
  changed(): void;
  /** AT+IPR: the DTE port's speed (null: the port has none, as a pseudo-terminal). */
  readonly dteSpeed?: number | null;
  /** AT+IPR=n: switch after the result code has gone out at the old speed; false if the port refuses. */
  setDteSpeed?(bps: number): boolean;
  /** AT#REC=0|1, AT#REC?: call recording (Dialtone's own command; absent: ERROR). */
  recording?: boolean;
  /** Other `#` commands (the line's: AT#TELNET, AT#SPEED): information lines, true (OK), false (ERROR), null (unknown). */
  command?(body: string): string[] | boolean | null;
}

export interface AtOptions {
  /** Stored profiles and numbers; in memory when not given. */
  store?: ProfileStore;
  /** Every result code the interpreter sends (for tests and telemetry), whether or not Q1 hides it. */
  onResult?: (code: ResultCode) => void;
  /** The daemon's log: why a command line was answered ERROR, and where it was cut. */
  log?: (line: string) => void;
}

type Outcome = 'ok' | 'error' | 'pending';

/**
 * The Hayes command interpreter: assembles command lines (CommandLineReader), executes each command in turn and
 * answers each line with exactly one final result code. Commands that start a call end the line and answer later.
 */
export class AtInterpreter {
  readonly s = new SRegisters();
  readonly store: ProfileStore;
  /** The active command options (E, V, Q, X, &C, &D, &K …). */
  readonly opt: Record<OptionName, number> = factoryProfile().options;
  /** +MS: the modulation and rates the next call uses (stored in profiles). */
  carrier: CarrierSetting;
  /** +VCID: report the caller's number with the first RING. */
  callerId = 0;
  lastDial = '';
  private readonly reader: CommandLineReader;
  private lastLine = '';

  constructor(
    private readonly host: AtHost,
    private readonly write: (text: string) => void,
    private readonly o: AtOptions = {},
  ) {
    this.store = o.store ?? new ProfileStore(null);
    this.carrier = carrierFromText(this.store.factoryCarrier)!;
    this.reader = new CommandLineReader(
      () => this.s.get(3),
      () => this.s.get(5),
      () => this.opt.E === 1,
      {
        line: (text, tooLong) => {
          if (tooLong) return this.result('ERROR');
          this.lastLine = text;
          this.execute(text);
        },
        repeat: () => this.execute(this.lastLine),
        echo: (raw) => this.write(raw),
        say: (text) => this.say(text),
      },
    );
    this.loadProfile(this.store.state.powerUp);
  }

  get echo(): boolean {
    return this.opt.E === 1;
  }
  get verbose(): boolean {
    return this.opt.V === 1;
  }
  get quiet(): boolean {
    return this.opt.Q === 1;
  }
  get level(): number {
    return this.opt.X;
  }
  /** The DTE framing detected from the last "AT". */
  get format(): DteFormat {
    return this.reader.format;
  }

  get settings(): ResultSettings {
    return { verbose: this.verbose, quiet: this.quiet, level: this.level, cr: this.s.get(3), lf: this.s.get(4) };
  }

  /** The active settings as a profile (for &W and &V). */
  activeProfile(): Profile {
    return { options: { ...this.opt }, regs: this.s.snapshot(), carrier: formatCarrier(this.carrier) };
  }

  /** Factory settings (&F), +MS included. */
  factory(): void {
    this.apply(this.store.factory());
  }

  /** ATZn, power-up, DTR drop with &D3: the stored profile n. */
  loadProfile(n: 0 | 1): void {
    this.apply(this.store.profile(n));
  }

  private apply(p: Profile): void {
    const ring = this.s.get(1);
    this.s.reset();
    this.s.restore(p.regs);
    this.s.setInternal(1, ring);
    Object.assign(this.opt, p.options);
    this.carrier = carrierFromText(p.carrier) ?? carrierFromText(this.store.factoryCarrier)!;
    this.syncBitmaps();
  }

  /** Text the modem writes in command mode, with the DTE's parity. */
  say(text: string): void {
    this.write(applyParity(text, this.format));
  }

  /** `suffix`: after CONNECT's rate, the error control in use ("/ARQ/V42BIS"), with X1–X4 and V1. */
  result(code: ResultCode, rate?: number, suffix?: string): void {
    this.o.onResult?.(code);
    const text = formatResult(code, this.settings, rate, suffix);
    if (text) this.say(text);
  }

  /** Bytes from the DTE while in command mode. */
  feed(data: Uint8Array): void {
    this.reader.feed(data);
  }

  /** Run the commands of one line (the text after "AT"). */
  execute(line: string): void {
    const cmd = new CommandCursor(line);
    while (!cmd.done) {
      let outcome: Outcome;
      const at = cmd.position;
      try {
        outcome = this.step(cmd);
      } catch {
        outcome = 'error'; // the daemon never dies on bad input from the DTE
      }
      if (outcome === 'error') {
        this.o.log?.(whereCut(line, at));
        return this.result('ERROR');
      }
      if (outcome === 'pending') return; // D, A, O: the host answers later
    }
    this.result('OK');
  }

  private crlf(): string {
    return String.fromCharCode(this.s.get(3), this.s.get(4));
  }

  /** Information text (ATI, S?, &V, +GMI): each line framed by CR LF, as V.250 §5.7.1 has it. */
  private info(lines: string[]): 'ok' {
    const crlf = this.crlf();
    this.say(lines.map((l) => `${crlf}${l}`).join('') + crlf);
    return 'ok';
  }

  private step(cmd: CommandCursor): Outcome {
    const c = cmd.next().toUpperCase();
    if (c === ' ') return 'ok';
    if (c === '&') return this.ampersand(cmd);
    if (c === '+') return this.extended(cmd);
    if (c === '\\' || c === '%') return this.errorControl(c, cmd);
    if (c === '#') return this.dialtoneCommand(cmd);
    if (Object.hasOwn(OPTIONS, c) && c !== 'W') return this.option(c as OptionName, cmd);
    switch (c) {
      case 'A':
        this.host.answer();
        return 'pending';
      case 'D':
        return this.dial(cmd.rest());
      case 'O': {
        const n = cmd.number(0);
        if (n === null || n > 1) return 'error';
        return this.host.online() ? 'pending' : 'error';
      }
      case 'H': {
        const n = cmd.number(0);
        if (n === null || n > 1) return 'error';
        if (n === 0) this.host.hangup();
        return 'ok'; // H1 (off hook) is accepted; the line goes off hook only to dial or answer
      }
      case 'Z': {
        const n = cmd.number(0);
        if (n === null || n > 1) return 'error';
        this.host.hangup();
        this.loadProfile(n as 0 | 1);
        this.host.changed();
        return 'ok';
      }
      case 'I': {
        const n = cmd.number(0);
        const lines = n === null ? null : this.host.info(n);
        return lines ? this.info(lines) : 'error';
      }
      case 'S':
        return this.sRegister(cmd);
      case 'W':
        return this.option('W', cmd);
      default:
        return 'error';
    }
  }

  /** E, V, Q, X, M, L, B, N, Y, W and the & options: a number from the option's list. */
  private option(name: OptionName, cmd: CommandCursor): Outcome {
    const n = cmd.number(0);
    if (n === null || !(OPTIONS[name].values as readonly number[]).includes(n)) return 'error';
    this.opt[name] = n;
    this.syncBitmaps();
    this.host.changed();
    return 'ok';
  }

  /** \Nn (error control mode, as &Q and S36) and %Cn (compression, as S46): firmware-app/error-control.ts. */
  private errorControl(c: string, cmd: CommandCursor): Outcome {
    const letter = cmd.next().toUpperCase();
    const n = cmd.number(0);
    if (n === null) return 'error';
    if (c === '%' && letter === 'C' && n <= 1) {
      this.s.set(46, n === 1 ? S46_COMPRESSION : S46_NO_COMPRESSION);
      return 'ok';
    }
    const mode = c === '\\' && letter === 'N' ? backslashN(n) : null;
    if (!mode) return 'error';
    this.opt['&Q'] = mode.amperQ;
    if (mode.s36 !== undefined) this.s.set(36, mode.s36);
    this.syncBitmaps();
    return 'ok';
  }

  private dial(text: string): Outcome {
    const ref = dialReference(text);
    let dialString = text;
    if (ref) {
      dialString = ref.ref.kind === 'last' ? this.lastDial : this.store.number(ref.ref.index);
      if (!dialString) return 'error';
      if (ref.returnToCommand && !dialString.endsWith(';')) dialString += ';';
    }
    const plan = parseDialString(dialString, this.s.get(8));
    if (!plan || (plan.digits === '' && !plan.returnToCommand && !plan.host)) return 'error';
    this.lastDial = dialString.replace(/;\s*$/, '');
    this.host.dial(plan, dialString);
    return 'pending';
  }

  private sRegister(cmd: CommandCursor): Outcome {
    const reg = cmd.number(null);
    if (reg === null || !this.s.has(reg)) return 'error';
    const op = cmd.next();
    if (op === '?') return this.info([String(this.s.get(reg)).padStart(3, '0')]);
    if (op !== '=') return 'error';
    const v = cmd.number(0);
    if (v === null || !this.s.set(reg, v)) return 'error';
    this.host.changed();
    return 'ok';
  }

  private ampersand(cmd: CommandCursor): Outcome {
    const c = cmd.next().toUpperCase();
    const name = `&${c}`;
    if (c === 'Z') return this.storeNumber(cmd);
    if (!'FVWY'.includes(c) || c === '') return Object.hasOwn(OPTIONS, name) ? this.option(name as OptionName, cmd) : 'error';
    const n = cmd.number(0);
    if (n === null) return 'error';
    switch (c) {
      case 'F':
        if (n !== 0) return 'error';
        this.factory();
        this.host.changed();
        return 'ok';
      case 'V':
        return n === 0 ? this.info(profilePage(this.activeProfile(), this.store.state)) : 'error';
      case 'W':
        return n <= 1 && this.store.storeProfile(n as 0 | 1, this.activeProfile()) ? 'ok' : 'error';
      default:
        return n <= 1 && this.store.setPowerUp(n as 0 | 1) ? 'ok' : 'error';
    }
  }

  /** &Zn=dial string (n 0–3, default 0): the rest of the line, validated as a dial string. */
  private storeNumber(cmd: CommandCursor): Outcome {
    const n = cmd.number(0);
    if (n === null || cmd.next() !== '=') return 'error';
    const text = cmd.rest().trim();
    if (!validNumber(text) || text.includes(';') || !parseDialString(text, 0)) return 'error';
    return this.store.storeNumber(n, text) ? 'ok' : 'error';
  }

  /** V.250 extended commands: +GMI, +GMM, +GMR, +GCAP, +MS, each ended by `;` or the end of the line. */
  private extended(cmd: CommandCursor): Outcome {
    const body = cmd.until(';').toUpperCase().trim();
    const test = body.endsWith('=?');
    const name = test ? body.slice(0, -2) : body;
    if (['GMI', 'GMM', 'GMR', 'GCAP'].includes(name)) {
      if (test) return 'ok';
      if (name === 'GMI') return this.info(['Dialtone']);
      if (name === 'GMM') return this.info(['Dialtone softmodem']);
      if (name === 'GMR') return this.info(['0.1.0']);
      return this.info(['+GCAP: +MS']);
    }
    const dte = dteSettingCommand(body, this.dteSettings);
    if (dte) return Array.isArray(dte) ? this.info(dte) : dte;
    // V.253 9.2.3 caller ID: +VCID=0 off, 1 formatted (DATE/TIME/NMBR after the first RING).
    if (body === 'VCID?') return this.info([`+VCID: ${this.callerId}`]);
    if (body === 'VCID=?') return this.info(['+VCID: (0,1)']);
    if (body === 'VCID=0' || body === 'VCID=1') {
      this.callerId = Number(body.slice(5));
      return 'ok';
    }
    if (body === 'MS?') return this.info([`+MS: ${formatCarrier(this.carrier)}`]);
    // V.250 +MS=<carrier>[,<automode>[,<min_rate>[,<max_rate>…]]] (firmware-app/at/carrier.ts).
    if (body === 'MS=?') return this.info([CARRIER_LIST]);
    if (body.startsWith('MS=')) {
      const c = parseCarrier(body.slice(3));
      if (!c) return 'error';
      this.carrier = c;
      this.host.changed();
      return 'ok';
    }
    return 'error';
  }

  /** What +IPR and +ICF act on. */
  private get dteSettings(): Parameters<typeof dteSettingCommand>[1] {
    const reader = this.reader;
    return {
      speed: this.host.dteSpeed ?? null,
      setSpeed: (bps) => this.host.setDteSpeed?.(bps) ?? false,
      fixedFormat: reader.fixed,
      // From the next "AT" on: this line's result code still goes out in the framing it came in (V.250 §6.2.11).
      setFixedFormat: (f) => (reader.fixed = f),
    };
  }

  /** Fix the DTE framing (configuration serial.framing; AT+ICF); null detects it from each "AT". */
  fixFormat(f: DteFormat | null): void {
    this.reader.fixed = f;
    if (f) this.reader.format = f;
  }

  /**
   * Dialtone's own commands, behind `#`, a prefix the Hayes Smartmodem and its V.250 successors never used (V.250
   * leaves non-`+` extended names to manufacturers): #REC=1 records the audio of the following calls, #REC=0 stops,
   * #REC? reports 0 or 1. Ended by `;` or the end of the line, like the `+` commands.
   */
  private dialtoneCommand(cmd: CommandCursor): Outcome {
    const body = cmd.until(';').toUpperCase().trim();
    const own = this.host.command?.(body) ?? null;
    if (own !== null) return Array.isArray(own) ? this.info(own) : own ? 'ok' : 'error';
    if (this.host.recording === undefined) return 'error';
    if (body === 'REC?') return this.info([this.host.recording ? '1' : '0']);
    if (body === 'REC=?') return this.info(['#REC: (0,1)']);
    if (body !== 'REC=0' && body !== 'REC=1') return 'error';
    this.host.recording = body === 'REC=1';
    return 'ok';
  }

  /** Bit-mapped registers S14, S21, S22, S23, S27 mirror the options (Smartmodem 2400 layout). */
  private syncBitmaps(): void {
    const o = this.opt;
    this.s.setInternal(14, 0x80 | 0x20 | (o.V << 3) | (o.Q << 2) | (o.E << 1));
    this.s.setInternal(21, (o.Y << 7) | (o['&S'] << 6) | (o['&C'] << 5) | (o['&D'] << 3) | (o['&R'] << 2) | o['&J']);
    this.s.setInternal(22, (o['&P'] << 7) | ((o.X === 0 ? 0 : o.X + 3) << 4) | (o.M << 2) | o.L);
    const parity = { '8N1': 3, '7E1': 0, '7O1': 2 }[this.format];
    this.s.setInternal(23, (o['&G'] << 6) | (parity << 3) | (3 << 1) | 1);
    this.s.setInternal(27, (o.B << 6) | (o['&X'] << 4) | (o['&L'] << 2) | o['&M']);
  }

  /** For tests: is `code` a final result code? */
  static isFinal(code: ResultCode): boolean {
    return FINAL_CODES.includes(code);
  }
}

/** Reads a command line left to right. */
class CommandCursor {
  private i = 0;

  constructor(private readonly text: string) {}

  /** Where the next command starts (index into the text after AT). */
  get position(): number {
    return this.i;
  }

  get done(): boolean {
    return this.i >= this.text.length;
  }

  next(): string {
    return this.i < this.text.length ? this.text[this.i++] : '';
  }

  rest(): string {
    const r = this.text.slice(this.i);
    this.i = this.text.length;
    return r;
  }

  /** Text up to (not including) `stop`, which is consumed. */
  until(stop: string): string {
    const j = this.text.indexOf(stop, this.i);
    const end = j < 0 ? this.text.length : j;
    const r = this.text.slice(this.i, end);
    this.i = j < 0 ? end : end + 1;
    return r;
  }

  /** Decimal digits at the cursor; `dflt` when none (null: digits required). */
  number(dflt: number | null): number | null {
    let j = this.i;
    while (j < this.text.length && this.text[j] >= '0' && this.text[j] <= '9') j++;
    if (j === this.i) return dflt;
    const v = Number(this.text.slice(this.i, j));
    this.i = j;
    return v;
  }
}
