/**
 * The line the modem dials when the Internet is configured beside (or instead of) a telephone line: a dial string
 * that is a host name or host:port goes to the Internet, digits go to the phone line, and a phone-book entry
 * (internet.phonebook) sends its number to the host it names. Incoming calls from either line ring the modem.
 */
import type { PhoneBookEntryConfig } from '../../../config/schema.ts';
import type { ChainSpec } from '../../../config/chain.ts';
import type { CallLeg, CallProgress, IncomingCall, PhoneLine } from '../phone-line.ts';
import { TELNET_PORT, validHost } from './host-address.ts';
import type { InternetLine } from './internet-line.ts';

/** Is this what ATD passes for a host (firmware-app/at/dial-string.ts), rather than telephone digits? */
export function isHostDial(number: string): boolean {
  return number.startsWith('"') || /[^0-9*#+]/.test(number);
}

/** A call that goes nowhere: the progress says why (NO DIALTONE without a phone line, NO CARRIER otherwise). */
class NowhereLeg implements CallLeg {
  constructor(readonly progress: CallProgress) {}
  frame(_tx: Int16Array, rx: Int16Array): Promise<boolean> {
    rx.fill(0);
    return Promise.resolve(true);
  }
  hangup(): void {}
}

export class RoutedLine implements PhoneLine {
  constructor(
    private readonly phone: PhoneLine | null,
    private readonly internet: InternetLine | null,
    private readonly phonebook: Readonly<Record<string, PhoneBookEntryConfig>>,
    private readonly log: (line: string) => void,
  ) {}

  /** `via`: the dial suffix's channel chain, for the telephone line (a host has none). */
  dial(number: string, via?: ChainSpec): CallLeg {
    if (isHostDial(number)) {
      if (this.internet) return this.internet.dial(number);
      this.log('internet: a host was dialled, but internet.enabled is false');
      return new NowhereLeg('invalid-number');
    }
    const digits = number.replace(/[^0-9*#]/g, '');
    const entry = Object.hasOwn(this.phonebook, digits) ? this.phonebook[digits] : undefined;
    if (entry && this.internet) {
      const port = entry.port ?? TELNET_PORT;
      this.log(`internet: ${digits} is ${entry.host}:${port} in the phone book`);
      const target = validHost(entry.host) ? { host: entry.host, port } : new Error(`phone book ${digits}: "${entry.host.slice(0, 64)}" is not a host name`);
      return this.internet.call(target, entry.telnet ?? this.internet.session.telnet);
    }
    if (this.phone) return this.phone.dial(number, via);
    this.log(`line: ${digits} is not in internet.phonebook, and there is no telephone line (line.backend is internet)`);
    return new NowhereLeg('no-dialtone');
  }

  onIncoming(listener: (call: IncomingCall) => void): void {
    this.phone?.onIncoming(listener);
    this.internet?.onIncoming(listener);
  }

  close(): void {
    this.phone?.close();
    this.internet?.close();
  }
}
