/**
 * Telnet option negotiation by the Q method of RFC 1143: each option has a state for each side (NO, YES, WANTNO,
 * WANTYES) and a one-deep queue (EMPTY, OPPOSITE), so neither end ever answers an acknowledgement with another
 * request and no negotiation loops (RFC 854's "do not acknowledge a mode already in effect", made exact).
 */

export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const GA = 249;
export const NOP = 241;
export const SE = 240;

/** Option codes: RFC 856 BINARY, 857 ECHO, 858 SUPPRESS-GO-AHEAD, 1091 TERMINAL-TYPE, 1073 NAWS. */
export const BINARY = 0;
export const ECHO = 1;
export const SGA = 3;
export const TTYPE = 24;
export const NAWS = 31;

type QState = 'no' | 'yes' | 'wantno' | 'wantyes';

/** One side of one option: `us` is what we WILL/WONT, `him` what the peer WILL/WONT (RFC 1143 §7). */
interface Side {
  state: QState;
  opposite: boolean; // the queue bit
}

export type Verb = typeof WILL | typeof WONT | typeof DO | typeof DONT;

export interface NegotiationEvents {
  /** Send IAC <verb> <option>. */
  send(verb: Verb, option: number): void;
  /** An option became enabled or disabled on one side (after the negotiation settled). */
  changed(side: 'us' | 'him', option: number, enabled: boolean): void;
  /** The peer broke the protocol (answered a DONT with WILL, ...): for the log, never fatal. */
  protocolError(text: string): void;
}

/** The options each side agrees to; every other option is refused (WONT/DONT). */
export interface Acceptance {
  us: ReadonlySet<number>;
  him: ReadonlySet<number>;
}

export class OptionNegotiator {
  private readonly us = new Map<number, Side>();
  private readonly him = new Map<number, Side>();

  constructor(
    private readonly accept: Acceptance,
    private readonly ev: NegotiationEvents,
  ) {}

  /** Is the option in effect on that side? */
  enabled(side: 'us' | 'him', option: number): boolean {
    return this.side(side, option).state === 'yes';
  }

  /** Ask to enable or disable an option on one side (RFC 1143 §7, "we want to enable / disable"). */
  ask(sideName: 'us' | 'him', option: number, enable: boolean): void {
    const s = this.side(sideName, option);
    const [on, off] = sideName === 'us' ? ([WILL, WONT] as const) : ([DO, DONT] as const);
    if (s.state === (enable ? 'no' : 'yes')) {
      s.state = enable ? 'wantyes' : 'wantno';
      this.ev.send(enable ? on : off, option);
    } else if (s.state === (enable ? 'wantno' : 'wantyes')) {
      s.opposite = true; // wait for the answer, then ask the other way
    } else if (s.state === (enable ? 'wantyes' : 'wantno')) {
      s.opposite = false; // cancels a queued reversal; otherwise already asking
    }
  }

  /** IAC WILL/WONT/DO/DONT <option> received. */
  receive(verb: Verb, option: number): void {
    const sideName = verb === WILL || verb === WONT ? 'him' : 'us';
    const positive = verb === WILL || verb === DO;
    const s = this.side(sideName, option);
    const [on, off] = sideName === 'us' ? ([WILL, WONT] as const) : ([DO, DONT] as const);
    if (positive) this.positive(sideName, option, s, on, off);
    else this.negative(sideName, option, s, on, off);
  }

  private positive(sideName: 'us' | 'him', option: number, s: Side, on: Verb, off: Verb): void {
    switch (s.state) {
      case 'no':
        if (this.accept[sideName].has(option)) {
          s.state = 'yes';
          this.ev.send(on, option);
          this.ev.changed(sideName, option, true);
        } else {
          this.ev.send(off, option);
        }
        return;
      case 'yes':
        return; // already in effect: no acknowledgement (that is what prevents loops)
      case 'wantno':
        if (s.opposite) {
          s.state = 'yes';
          s.opposite = false;
          this.ev.changed(sideName, option, true);
        } else {
          s.state = 'no';
          this.ev.protocolError(`the peer answered ${off === WONT ? 'WONT' : 'DONT'} ${option} with ${on === WILL ? 'DO' : 'WILL'}`);
        }
        return;
      case 'wantyes':
        if (s.opposite) {
          s.state = 'wantno';
          s.opposite = false;
          this.ev.send(off, option);
        } else {
          s.state = 'yes';
          this.ev.changed(sideName, option, true);
        }
        return;
    }
  }

  private negative(sideName: 'us' | 'him', option: number, s: Side, on: Verb, off: Verb): void {
    switch (s.state) {
      case 'no':
        return;
      case 'yes':
        s.state = 'no';
        this.ev.send(off, option);
        this.ev.changed(sideName, option, false);
        return;
      case 'wantno':
        if (s.opposite) {
          s.state = 'wantyes';
          s.opposite = false;
          this.ev.send(on, option);
        } else {
          s.state = 'no';
          this.ev.changed(sideName, option, false);
        }
        return;
      case 'wantyes':
        s.state = 'no';
        s.opposite = false;
        return; // refused: stays off
    }
  }

  private side(name: 'us' | 'him', option: number): Side {
    const map = name === 'us' ? this.us : this.him;
    let s = map.get(option);
    if (!s) {
      s = { state: 'no', opposite: false };
      map.set(option, s);
    }
    return s;
  }
}
