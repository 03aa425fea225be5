import type { ResultCode, ResultSettings } from './result-codes.ts';
import { formatResult } from './result-codes.ts';
import { SRegisters } from './s-registers.ts';

/** What the AT interpreter asks of the modem around it. */
export interface AtHost {
  /** Start a call; the host reports the outcome with `result()` later. */
  dial(number: string): void;
  /** Answer a ringing line (or fail with NO CARRIER). */
  answer(): void;
  /** Hang up (ATH); synchronous. */
  hangup(): void;
  /** Return to data mode (ATO); false when there is no call to return to. */
  online(): boolean;
  /** Identification lines for ATIn, or null when n is not supported. */
  info(n: number): string[] | null;
  /** Settings changed (for LEDs such as AA). */
  changed(): void;
  /** AT+MS: select the modulation by its V.250 carrier name; false if not offered. */
  selectCarrier(name: string): boolean;
  /** AT+MS?: the current carrier name. */
  readonly carrier: string;
}

const MAX_LINE = 255; // characters after "AT" a command line may hold

/**
 * The Hayes command interpreter: assembles command lines from DTE bytes (echo, S3/S5 editing), executes each
 * command in turn and answers with result codes. Commands that start a call end the line and answer later.
 */
export class AtInterpreter {
  readonly s = new SRegisters();
  echo = true;
  verbose = true;
  quiet = false;
  level = 4;
  private line = '';
  private sawA = false;
  private inLine = false;
  private lastLine = '';

  constructor(
    private readonly host: AtHost,
    private readonly write: (text: string) => void,
  ) {}

  get settings(): ResultSettings {
    return { verbose: this.verbose, quiet: this.quiet, level: this.level, cr: this.s.get(3), lf: this.s.get(4) };
  }

  /** Factory settings (ATZ, &F). */
  factory(): void {
    this.s.reset();
    this.echo = true;
    this.verbose = true;
    this.quiet = false;
    this.level = 4;
  }

  result(code: ResultCode, rate?: number): void {
    const text = formatResult(code, this.settings, rate);
    if (text) this.write(text);
  }

  /** Bytes from the DTE while in command mode. */
  feed(data: Uint8Array): void {
    for (const b of data) this.feedByte(b & 0x7f); // parity bit of 7-bit terminals is not part of the command
  }

  private feedByte(c: number): void {
    const cr = this.s.get(3);
    const bs = this.s.get(5);
    if (!this.inLine) {
      // Hunt for "AT" (or "A/"), in either case; other characters are ignored, as on a Hayes modem.
      if (this.echo) this.write(String.fromCharCode(c));
      const upper = c >= 97 && c <= 122 ? c - 32 : c;
      if (this.sawA && upper === 0x54) {
        this.inLine = true;
        this.line = '';
      } else if (this.sawA && c === 0x2f) {
        this.sawA = false;
        if (this.echo) this.write(String.fromCharCode(this.s.get(3), this.s.get(4)));
        this.execute(this.lastLine);
        return;
      }
      this.sawA = upper === 0x41;
      return;
    }
    if (c === cr) {
      if (this.echo) this.write(String.fromCharCode(c));
      this.inLine = false;
      this.sawA = false;
      const line = this.line;
      this.line = '';
      if (line.length > MAX_LINE) {
        this.result('ERROR');
        return;
      }
      this.lastLine = line;
      this.execute(line);
      return;
    }
    if (c === bs) {
      if (this.line.length > 0) {
        this.line = this.line.slice(0, -1);
        if (this.echo) this.write('\b \b');
      }
      return;
    }
    if (c < 0x20) return; // other control characters are ignored
    if (this.echo) this.write(String.fromCharCode(c));
    if (this.line.length <= MAX_LINE) this.line += String.fromCharCode(c);
  }

  /** Run the commands of one line (the text after "AT"). */
  execute(line: string): void {
    const cmd = new CommandCursor(line);
    while (!cmd.done) {
      const outcome = this.step(cmd);
      if (outcome === 'error') return this.result('ERROR');
      if (outcome === 'pending') return; // D, A, O: the host answers later
    }
    this.result('OK');
  }

  private step(cmd: CommandCursor): 'ok' | 'error' | 'pending' {
    const c = cmd.next().toUpperCase();
    switch (c) {
      case ' ':
        return 'ok';
      case 'A':
        this.host.answer();
        return 'pending';
      case 'D':
        this.host.dial(cmd.rest());
        return 'pending';
      case 'O':
        cmd.number(0);
        return this.host.online() ? 'pending' : 'error';
      case 'H':
        if (cmd.number(0) !== 0) return 'error';
        this.host.hangup();
        return 'ok';
      case 'Z':
        cmd.number(0);
        this.host.hangup();
        this.factory();
        this.host.changed();
        return 'ok';
      case 'E':
        return this.flag(cmd, (v) => (this.echo = v));
      case 'V':
        return this.flag(cmd, (v) => (this.verbose = v));
      case 'Q':
        return this.flag(cmd, (v) => (this.quiet = v));
      case 'X': {
        const n = cmd.number(0);
        if (n === null || n > 4) return 'error';
        this.level = n;
        return 'ok';
      }
      case 'L':
      case 'M':
      case 'B':
      case 'N':
      case 'Y': {
        const n = cmd.number(0);
        return n !== null && n <= 3 ? 'ok' : 'error'; // speaker and protocol options accepted
      }
      case 'I': {
        const n = cmd.number(0);
        const lines = n === null ? null : this.host.info(n);
        if (!lines) return 'error';
        const crlf = String.fromCharCode(this.s.get(3), this.s.get(4));
        for (const l of lines) this.write(`${crlf}${l}`);
        this.write(crlf);
        return 'ok';
      }
      case 'S':
        return this.sRegister(cmd);
      case '&':
        return this.ampersand(cmd);
      case '+':
        return this.extended(cmd);
      default:
        return 'error';
    }
  }

  private flag(cmd: CommandCursor, set: (v: boolean) => void): 'ok' | 'error' {
    const n = cmd.number(0);
    if (n === null || n > 1) return 'error';
    set(n === 1);
    return 'ok';
  }

  private sRegister(cmd: CommandCursor): 'ok' | 'error' {
    const reg = cmd.number(null);
    if (reg === null || reg > 255) return 'error';
    const op = cmd.next();
    if (op === '?') {
      const crlf = String.fromCharCode(this.s.get(3), this.s.get(4));
      this.write(`${crlf}${String(this.s.get(reg)).padStart(3, '0')}${crlf}`);
      return 'ok';
    }
    if (op !== '=') return 'error';
    const v = cmd.number(0);
    if (v === null || !this.s.set(reg, v)) return 'error';
    this.host.changed();
    return 'ok';
  }

  /** V.250 extended commands: +GMI, +GMM, +GMR, +GCAP, +MS. */
  private extended(cmd: CommandCursor): 'ok' | 'error' {
    const body = cmd.until(';').toUpperCase();
    const crlf = String.fromCharCode(this.s.get(3), this.s.get(4));
    const say = (text: string): 'ok' => {
      this.write(`${crlf}${text}${crlf}`);
      return 'ok';
    };
    if (body === 'GMI') return say('Dialtone');
    if (body === 'GMM') return say('Dialtone softmodem');
    if (body === 'GMR') return say('0.1.0');
    if (body === 'GCAP') return say('+GCAP: +MS');
    if (body === 'MS?') return say(`+MS: ${this.host.carrier}`);
    if (body === 'MS=?') return say('+MS: (V21,B103,V23C,B202)');
    if (body.startsWith('MS=')) return this.host.selectCarrier(body.slice(3).split(',')[0]) ? 'ok' : 'error';
    return 'error';
  }

  private ampersand(cmd: CommandCursor): 'ok' | 'error' {
    const c = cmd.next().toUpperCase();
    const n = cmd.number(0);
    if (n === null) return 'error';
    if (c === 'F' && n === 0) {
      this.factory();
      this.host.changed();
      return 'ok';
    }
    // &C, &D, &K, &S, &W: accepted (the full profile set arrives with the Hayes issue).
    return 'CDKSW'.includes(c) && c !== '' && n <= 4 ? 'ok' : 'error';
  }
}

/** Reads a command line left to right. */
class CommandCursor {
  private i = 0;

  constructor(private readonly text: string) {}

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
