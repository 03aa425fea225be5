/** Character framing of the DTE, as the `AT` prefix reveals it. */
export type DteFormat = '8N1' | '7E1' | '7O1';

/** Even parity of the 8 bits of `b`: 0 when the number of ones is even. */
export function parity8(b: number): number {
  let x = b & 0xff;
  x ^= x >> 4;
  x ^= x >> 2;
  x ^= x >> 1;
  return x & 1;
}

/**
 * Which framing sent this "AT" (or "at", "At", "aT")? 'A' (0x41) has two ones and 'T' (0x54) three, so the parity
 * bits of a 7-bit terminal differ between them and give the parity away; with both high bits clear it is 8N1.
 * Real modems autobaud and detect parity on exactly these two characters.
 */
export function detectFormat(a: number, t: number): DteFormat {
  if ((a & 0x80) === 0 && (t & 0x80) === 0) return '8N1';
  if (parity8(a) === 0 && parity8(t) === 0) return '7E1';
  if (parity8(a) === 1 && parity8(t) === 1) return '7O1';
  return '8N1'; // mark or space parity, or noise: answer in 8N1 as the Hayes modem did
}

/** Set the parity bit of a 7-bit character for the DTE's framing. */
export function withParity(c: number, format: DteFormat): number {
  const d = c & 0x7f;
  if (format === '8N1') return c & 0xff;
  const p = parity8(d) ^ (format === '7O1' ? 1 : 0);
  return d | (p << 7);
}

export function applyParity(text: string, format: DteFormat): string {
  if (format === '8N1') return text;
  let out = '';
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(withParity(text.charCodeAt(i), format));
  return out;
}

/** The most characters after "AT" a command line may hold; a longer line is answered ERROR. */
export const MAX_LINE = 255;

export interface LineEvents {
  /** A complete command line (the text after AT), or `tooLong` when it overflowed. */
  line(text: string, tooLong: boolean): void;
  /** "A/": repeat the last line. */
  repeat(): void;
  /** Echo these bytes as received (E1). */
  echo(raw: string): void;
  /** The CR/LF and editing sequences the modem itself writes (with the DTE's parity). */
  say(text: string): void;
}

/**
 * Assembles command lines from DTE bytes as a Hayes modem does: hunt for "AT" or "A/" (other characters are
 * ignored), detect the framing from the prefix, S3 ends the line, S5 erases, other control characters are dropped.
 */
export class CommandLineReader {
  format: DteFormat = '8N1';
  /** Framing fixed by AT+ICF (null: detected from each "AT"). */
  fixed: DteFormat | null = null;
  private line = '';
  private rawA = -1;
  private inLine = false;

  constructor(
    private readonly cr: () => number,
    private readonly bs: () => number,
    private readonly echoOn: () => boolean,
    private readonly ev: LineEvents,
  ) {}

  feed(data: Uint8Array): void {
    for (const raw of data) this.feedByte(raw);
  }

  reset(): void {
    this.line = '';
    this.rawA = -1;
    this.inLine = false;
  }

  private feedByte(raw: number): void {
    const c = raw & 0x7f; // the parity bit of a 7-bit terminal is not part of the command
    if (this.echoOn()) this.ev.echo(String.fromCharCode(raw));
    if (!this.inLine) {
      const upper = c >= 97 && c <= 122 ? c - 32 : c;
      if (this.rawA >= 0 && upper === 0x54) {
        this.format = this.fixed ?? detectFormat(this.rawA, raw);
        this.inLine = true;
        this.line = '';
        this.rawA = -1;
        return;
      }
      if (this.rawA >= 0 && c === 0x2f) {
        this.rawA = -1;
        if (this.echoOn()) this.ev.say(String.fromCharCode(this.cr(), 10));
        this.ev.repeat();
        return;
      }
      this.rawA = upper === 0x41 ? raw : -1;
      return;
    }
    if (c === this.cr()) {
      this.inLine = false;
      const line = this.line;
      this.line = '';
      this.ev.line(line.slice(0, MAX_LINE), line.length > MAX_LINE);
      return;
    }
    if (c === this.bs() || c === 0x7f) {
      if (this.line.length > 0) {
        this.line = this.line.slice(0, -1);
        if (this.echoOn()) this.ev.say(' \b');
      }
      return;
    }
    if (c < 0x20) return;
    if (this.line.length <= MAX_LINE) this.line += String.fromCharCode(c);
  }
}

/**
 * The log line for a command line answered ERROR: which command stopped it (commands before it were carried out,
 * none after). V.250 §5.4.2 ends an extended command (+, #) only at ';' or the end of the line, so a Hayes command
 * written straight after one ("AT+MS=V22B&Q5") is read as the extended command's argument: the line shows the ';'.
 */
export function whereCut(line: string, at: number): string {
  const shown = line.replace(/[^ -~]/g, '?');
  let why = `at: ERROR: "AT${shown}" stopped at column ${at + 3} ("${shown.slice(at)}"): the commands before it were carried out, none from there on`;
  if (line[at] === '+' || line[at] === '#') {
    const end = line.indexOf(';', at);
    const body = line.slice(at, end < 0 ? line.length : end);
    const hayes = body.search(/[&\\%]/); // &Q5, \N3, %C1: Hayes commands
    if (hayes > 0) {
      const cut = at + hayes;
      why += `. V.250 reads an extended command up to ';' or the end of the line, so "${shown.slice(cut, end < 0 ? undefined : end)}" was taken as part of "${shown.slice(at, cut)}"; write AT${shown.slice(0, cut)};${shown.slice(cut)}`;
    }
  }
  return why;
}
