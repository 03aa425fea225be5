/**
 * A telnet session (RFC 854/855) between the modem's data path and a TCP connection: IAC doubled on the way out
 * and undoubled on the way in, so 8-bit data (ZMODEM, PPP) arrives byte-exact; options negotiated by the Q method
 * (telnet-options.ts) with BINARY (RFC 856), ECHO (857), SUPPRESS-GO-AHEAD (858), TERMINAL-TYPE (1091) and NAWS
 * (1073); every other option refused. Without BINARY, RFC 854's NVT rule holds: a bare CR is sent as CR NUL, and
 * CR NUL received is a CR.
 *
 * Hostile input is bounded: a subnegotiation longer than MAX_SB is discarded, and answers to option requests are
 * rationed (a host that renegotiates endlessly gets a log line, not an amplifier).
 */
import { BINARY, DO, DONT, ECHO, IAC, NAWS, OptionNegotiator, SB, SE, SGA, TTYPE, WILL, WONT } from './telnet-options.ts';
import type { Verb } from './telnet-options.ts';

const CR = 13;
const LF = 10;
const NUL = 0;
const TTYPE_IS = 0;
const TTYPE_SEND = 1;
/** Longest subnegotiation kept (a terminal type is at most 40 characters, RFC 1091; NAWS is 4 bytes). */
export const MAX_SB = 256;
/** Answers to option requests: a burst of this many, then NEGOTIATION_RATE a second (wall clock). */
export const NEGOTIATION_BURST = 200;
export const NEGOTIATION_RATE = 20;

export interface TelnetConfig {
  /** client: we dialled a telnet server; server: a telnet client called us. */
  role: 'client' | 'server';
  terminalType: string;
  columns: number;
  rows: number;
  /** Raw bytes for the connection (negotiation and encoded data). */
  send(bytes: Uint8Array): void;
  log(line: string): void;
  /** Wall clock in ms (tests give their own). */
  now?: () => number;
}

type RxState = 'data' | 'cr' | 'iac' | 'verb' | 'sb' | 'sb-iac';

const NAMES: Record<number, string> = { [BINARY]: 'BINARY', [ECHO]: 'ECHO', [SGA]: 'SGA', [TTYPE]: 'TERMINAL-TYPE', [NAWS]: 'NAWS' };
const optionName = (o: number): string => NAMES[o] ?? `option ${o}`;

export class TelnetSession {
  private readonly q: OptionNegotiator;
  private rx: RxState = 'data';
  private verb: Verb = WILL;
  private sb: number[] = [];
  private sbOverflow = false;
  private tokens = NEGOTIATION_BURST;
  private tokensAt: number;
  private flooded = false;
  private readonly now: () => number;
  /** The peer's terminal type (server role), once it said. */
  peerTerminal: string | null = null;
  /** Count of negotiation commands received (tests, the log). */
  negotiations = 0;

  constructor(private readonly c: TelnetConfig) {
    this.now = c.now ?? (() => performance.now());
    this.tokensAt = this.now();
    const client = c.role === 'client';
    this.q = new OptionNegotiator(
      {
        // What we agree to do, and what we let the peer do.
        us: new Set(client ? [BINARY, SGA, TTYPE, NAWS] : [BINARY, SGA, ECHO]),
        him: new Set(client ? [BINARY, SGA, ECHO] : [BINARY, SGA, TTYPE, NAWS]),
      },
      {
        send: (verb, option) => this.c.send(Uint8Array.of(IAC, verb, option)),
        changed: (side, option, on) => this.optionChanged(side, option, on),
        protocolError: (text) => this.c.log(`telnet: ${text}`),
      },
    );
  }

  /** Our opening requests: 8-bit both ways and no go-aheads; as the server, we echo (character at a time). */
  start(): void {
    this.q.ask('us', BINARY, true);
    this.q.ask('him', BINARY, true);
    this.q.ask('him', SGA, true);
    if (this.c.role === 'server') {
      this.q.ask('us', SGA, true);
      this.q.ask('us', ECHO, true);
    }
  }

  /** Is the option in effect: `us` for what we do, `him` for what the peer does? */
  enabled(side: 'us' | 'him', option: number): boolean {
    return this.q.enabled(side, option);
  }

  /** Data for the network: IAC doubled, and (without BINARY our way) a bare CR followed by NUL. */
  encode(data: Uint8Array): Uint8Array {
    const binary = this.q.enabled('us', BINARY);
    let extra = 0;
    for (let i = 0; i < data.length; i++) if (data[i] === IAC || (!binary && data[i] === CR && data[i + 1] !== LF)) extra++;
    if (extra === 0) return data;
    const out = new Uint8Array(data.length + extra);
    let j = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      out[j++] = b;
      if (b === IAC) out[j++] = IAC;
      else if (!binary && b === CR && data[i + 1] !== LF) out[j++] = NUL;
    }
    return out;
  }

  /** Bytes from the network: the data in them (commands taken out, answered as they come). */
  decode(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    let n = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      switch (this.rx) {
        case 'cr':
        case 'data':
          if (this.rx === 'cr') {
            this.rx = 'data';
            if (b === NUL) break; // CR NUL is a bare CR (RFC 854, NVT); any other byte after CR is itself
          }
          if (b === IAC) this.rx = 'iac';
          else {
            out[n++] = b;
            if (b === CR && !this.q.enabled('him', BINARY)) this.rx = 'cr';
          }
          break;
        case 'iac':
          this.rx = 'data';
          if (b === IAC) out[n++] = IAC;
          else if (b === WILL || b === WONT || b === DO || b === DONT) {
            this.verb = b;
            this.rx = 'verb';
          } else if (b === SB) {
            this.sb = [];
            this.sbOverflow = false;
            this.rx = 'sb';
          }
          // NOP, GA, DM, AYT, BRK, ...: nothing to do for a byte stream
          break;
        case 'verb':
          this.rx = 'data';
          this.negotiate(this.verb, b);
          break;
        case 'sb':
          if (b === IAC) this.rx = 'sb-iac';
          else this.sbByte(b);
          break;
        case 'sb-iac':
          if (b === IAC) {
            this.sbByte(IAC);
            this.rx = 'sb';
            break;
          }
          this.subnegotiation();
          this.rx = 'data';
          if (b !== SE) {
            // RFC 855 ends it with IAC SE; any other command ends it too, and is read again as that command
            this.rx = 'iac';
            i--;
          }
          break;
      }
    }
    return out.subarray(0, n);
  }

  private sbByte(b: number): void {
    if (this.sb.length < MAX_SB) this.sb.push(b);
    else this.sbOverflow = true;
  }

  private negotiate(verb: Verb, option: number): void {
    this.negotiations++;
    const now = this.now();
    this.tokens = Math.min(NEGOTIATION_BURST, this.tokens + ((now - this.tokensAt) * NEGOTIATION_RATE) / 1000);
    this.tokensAt = now;
    if (this.tokens < 1) {
      if (!this.flooded) this.c.log(`telnet: the host keeps negotiating options (${this.negotiations} requests); further requests are ignored for now`);
      this.flooded = true;
      return;
    }
    this.tokens--;
    this.flooded = false;
    this.q.receive(verb, option);
  }

  private optionChanged(side: 'us' | 'him', option: number, on: boolean): void {
    this.c.log(`telnet: ${side === 'us' ? 'we' : 'the host'} ${on ? 'will' : "won't"} ${optionName(option)}`);
    if (side === 'us' && option === NAWS && on) this.sendWindowSize();
  }

  private subnegotiation(): void {
    const sb = this.sb;
    this.sb = [];
    if (this.sbOverflow) {
      this.c.log(`telnet: a subnegotiation longer than ${MAX_SB} bytes was discarded`);
      return;
    }
    if (sb[0] === TTYPE && sb[1] === TTYPE_SEND && this.q.enabled('us', TTYPE)) {
      const name = Buffer.from(this.c.terminalType.slice(0, 40), 'latin1');
      this.c.send(this.frameSb([TTYPE, TTYPE_IS, ...name]));
    } else if (sb[0] === TTYPE && sb[1] === TTYPE_IS && this.c.role === 'server') {
      this.peerTerminal = Buffer.from(sb.slice(2))
        .toString('latin1')
        .replace(/[^ -~]/g, '?');
    }
  }

  /** RFC 1073: IAC SB NAWS <width16> <height16> IAC SE, a 255 inside doubled. */
  private sendWindowSize(): void {
    const { columns: w, rows: h } = this.c;
    this.c.send(this.frameSb([NAWS, w >> 8, w & 0xff, h >> 8, h & 0xff]));
  }

  private frameSb(body: number[]): Uint8Array {
    const out = [IAC, SB];
    for (const b of body) {
      out.push(b);
      if (b === IAC) out.push(IAC);
    }
    out.push(IAC, SE);
    return Uint8Array.from(out);
  }
}
